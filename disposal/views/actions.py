"""Pages of disposal cases and their actions: the boards, the list of actions, one action
(follow it, its evidence), and the county section's steps on a case (an action added by
hand, a key case). Every row comes from its model's ``visible_to(user)``: another
township's record is not found (404); leaders read and never write (403)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views import View

from core.files import file_response
from core.history import history_entries
from core.views import ObjectDetailView, ObjectListView, ObjectUpdateView

from ..filters import ActionFilterSet
from ..forms.actions import ActionForm, AddActionForm, KeyForm
from ..levels import ActionType
from ..models import ActionEvidence, DisposalAction
from ..selectors.actions import action_types, board_page
from ..selectors.settings import notification_recipient
from ..services.actions import add_conditional_action, add_evidence, mark_key_case, update_action
from ..tables import ActionTable, status_badge
from ..validators import validate_evidence_file
from .common import (
    HISTORY_EXCLUDED,
    InstitutionMixin,
    ServiceErrorsMixin,
    institution_from_query,
    put_errors,
)

# --- boards -----------------------------------------------------------------------------


class BoardView(View):
    """The township's or the county's board; the county sees what is overdue first."""

    def get(self, request):
        today = timezone.localdate()
        page = board_page(request.user, today)
        sections = [
            ("overdue", _("Overdue: escalated to the county"), page.lists["overdue"]),
            ("due_this_week", _("Due this week"), page.lists["due_this_week"]),
            ("level_lowered", _("Level lowered: decide"), page.lists["level_lowered"]),
        ]
        if not page.is_county:
            sections = [sections[1], sections[0], sections[2]]
        for _key, _title, actions in sections:
            for action in actions:
                action.badge = status_badge(action, today)
        context = {
            "title": _("Disposal board"),
            "key_cases": page.key_cases,
            "penalties": page.penalties,
            "total": page.total,
            "townships": page.townships,
            "sections": sections,
            "is_county": page.is_county,
            "today": today,
        }
        return render(request, "disposal/board.html", context)


# --- actions ----------------------------------------------------------------------------


class ActionListView(ObjectListView):
    model = DisposalAction
    select_related = ("institution", "institution__township", "case", "responsible_user")
    table_class = ActionTable
    filterset_class = ActionFilterSet
    title = _("Disposal actions")
    export_name = "处置措施台账"
    template_name = "disposal/action_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["institution"] = institution_from_query(self.request)
        return context


class ActionDetailView(ObjectDetailView):
    model = DisposalAction
    select_related = (
        "institution",
        "institution__township",
        "case",
        "responsible_user",
        "responsible_unit",
    )
    template_name = "disposal/action_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        action = self.object
        context.update(
            title=str(action),
            status_badge=status_badge(action),
            evidence=list(action.evidence.select_related("created_by")),
            history=history_entries(
                DisposalAction, action.history.all(), excluded=HISTORY_EXCLUDED
            ),
        )
        return context


class ActionUpdateView(ServiceErrorsMixin, ObjectUpdateView):
    model = DisposalAction
    form_class = ActionForm
    template_name = "disposal/action_form.html"
    select_related = ("institution", "institution__township", "case")

    def form_valid(self, form):
        upload = form.cleaned_data.get("evidence_file")
        if upload:
            try:
                validate_evidence_file(upload)
            except ValidationError as exc:
                form.add_error("evidence_file", exc)
                return self.form_invalid(form)
        return super().form_valid(form)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        action = self.object
        if action.action_type == ActionType.LEAD_NOTIFICATION:
            kwargs["proposed_counterpart"] = notification_recipient(action.institution)
        return kwargs

    @transaction.atomic
    def save(self, form):
        action = update_action(user=self.request.user, action=form.instance)
        upload = form.cleaned_data.get("evidence_file")
        if upload:
            add_evidence(
                user=self.request.user,
                action=action,
                upload=upload,
                description=form.cleaned_data.get("evidence_description", ""),
            )
        return action

    def get_success_url(self):
        return reverse("disposal:action_detail", args=[self.object.pk])


class EvidenceDownloadView(View):
    """Evidence is served only to those who see its action (never from a public URL)."""

    def get(self, request, pk):
        evidence = get_object_or_404(ActionEvidence.objects.visible_to(request.user), pk=pk)
        return file_response(evidence.file.name, filename=evidence.original_name)


# --- the county section's steps on a case ------------------------------------------------


class ActionAddView(InstitutionMixin, View):
    """The county section adds 纳入处非机制 or 移送司法机关 to a case by hand, with a reason.
    Another township's institution is not found (404) before the role is asked (403)."""

    tab = "actions"

    def existing(self):
        return action_types(self.request.user, self.institution)

    def render_page(self, request, form):
        context = {
            "title": _("Add an action by hand"),
            "institution": self.institution,
            "tab": self.tab,
            "form": form,
            "back_url": reverse("disposal:action_list") + f"?institution={self.institution.pk}",
        }
        return render(request, "disposal/record_form.html", context)

    def check(self, request):
        institution = self.institution  # 404 first
        if not request.user.can_review:
            raise PermissionDenied(_("Only the county section adds an action by hand."))
        return institution

    def get(self, request, institution_pk):
        self.check(request)
        return self.render_page(request, AddActionForm(existing=self.existing()))

    def post(self, request, institution_pk):
        institution = self.check(request)
        form = AddActionForm(request.POST, existing=self.existing())
        if form.is_valid():
            try:
                action = add_conditional_action(
                    user=request.user,
                    institution=institution,
                    action_type=form.cleaned_data["action_type"],
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as exc:
                put_errors(form, exc)
            else:
                messages.success(request, _("Action added."))
                return redirect(action)
        return self.render_page(request, form)


class CaseKeyView(InstitutionMixin, View):
    """POST only: the county section marks a case 重点 (攻坚行动) or no longer. Another
    township's institution is not found (404) before the role is asked (403)."""

    http_method_names = ["post"]

    def post(self, request, institution_pk):
        institution = self.institution
        if not request.user.can_review:
            raise PermissionDenied(_("Only the county section marks key cases."))
        form = KeyForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Nothing was changed."))
        else:
            try:
                mark_key_case(user=request.user, institution=institution, **form.cleaned_data)
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                messages.success(request, _("Saved."))
        return redirect(institution.get_absolute_url() + "#disposal-panel")
