"""Screening visits (排查走访): list, record (draft or submit), detail, submit, reopen.

A visit is recorded from the institution's page (``?institution=<pk>``); the institution
must be visible to the user, else 404. Submitted visits are read only; the county section
may reopen one with a reason.
"""

import uuid

from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.http import Http404, JsonResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import TemplateView

from core import formkeeping
from core.concurrency import version_of
from core.files import file_response
from core.history import history_entries
from core.views import (
    ObjectCreateView,
    ObjectDetailView,
    ObjectListView,
    ObjectUpdateView,
    PermissionRequiredMixin,
)
from institutions.models import Institution

from ..filters.visits import VisitFilterSet
from ..forms.visits import (
    InterviewFormSet,
    ReopenForm,
    ScreeningVisitForm,
    compare,
    post_pairs,
)
from ..models import ScreeningRound, ScreeningVisit, VisitAttachment, VisitStatus
from ..selectors import plausibility
from ..selectors.visits import institutions_to_visit, submitted_by
from ..services import visits as services
from ..tables.visits import VisitTable, red_flag_badges, status_badge

HISTORY_EXCLUDED = ("scope_path", "updated_at")
SUBMIT, DRAFT = "submit", "draft"
# The field app names who recorded a visit on the phone (static/js/field_app.js).
FIELD_USER_HEADER = "X-Field-User"


def put_errors(form, exc: ValidationError):
    """A service's errors on the form's own fields where it has them, else on the form."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def visible_institution(request, pk):
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404 from None
    return get_object_or_404(
        Institution.objects.visible_to(request.user).select_related("township"), pk=pk
    )


class VisitListView(ObjectListView):
    model = ScreeningVisit
    select_related = ("institution", "institution__township", "staff")
    table_class = VisitTable
    filterset_class = VisitFilterSet
    title = _("Screening visits")
    export_name = "排查走访记录"
    template_name = "screening/visits/visit_list.html"


class VisitEditMixin:
    """The visit form with its interviews formset and uploads, saved by one service call."""

    model = ScreeningVisit
    form_class = ScreeningVisitForm
    template_name = "screening/visits/visit_form.html"

    def get_formset(self):
        kwargs = {"instance": self.object, "prefix": "interviews"}
        if self.request.method == "POST":
            kwargs.update(data=self.request.POST, files=self.request.FILES)
        elif self.restored() is not None:
            kwargs.update(data=self.restored())
        return InterviewFormSet(**kwargs)

    def get_context_data(self, **kwargs):
        kwargs.setdefault("formset", self.get_formset())
        context = super().get_context_data(**kwargs)
        context["institution"] = self.institution
        return context

    def save(self, form, formset, submit):
        visit = services.save_visit(
            user=self.request.user,
            visit=form.instance,
            interviews=formset.save(commit=False),
            attachments=form.uploads(),
            kept=form.kept(),
            submit=submit,
        )
        return visit, True

    def post(self, request, *args, **kwargs):
        recorded_by = request.headers.get(FIELD_USER_HEADER)
        if recorded_by and recorded_by != str(request.user.pk):
            # A shared phone: the visit was recorded by someone else than who is signed in.
            return JsonResponse(
                {
                    "detail": str(
                        _(
                            "This visit was recorded by another person on this phone: it "
                            "is sent when they log in again."
                        )
                    ),
                    "code": "other_user",
                },
                status=401,
            )
        self.object = self.get_edited_object()
        form = self.get_form()
        formset = self.get_formset()
        submit = request.POST.get("action") == SUBMIT
        json = formkeeping.wants_json(request)
        if form.is_valid() and formset.is_valid():
            try:
                self.object, created = self.save(form, formset, submit)
            except ValidationError as exc:
                put_errors(form, exc)
            else:
                self.warnings = form.warnings
                if json:
                    return self.json_answer(self.object, created)
                for warning in form.warnings:
                    messages.warning(request, warning)
                if not created:
                    messages.info(
                        request,
                        _("This visit had already been received; it was not recorded twice."),
                    )
                elif submit:
                    messages.success(request, _("The visit has been submitted."))
                else:
                    messages.success(
                        request, _("Saved as a draft. You can finish it later and submit it.")
                    )
                return redirect("screening:visit_detail", pk=self.object.pk)
        if json:
            # The phone keeps its own copy of the files: nothing is kept here.
            return self.json_refusal(form, formset)
        with transaction.atomic():
            services.drop_stale_pending(request.user)
            form.keep_uploads()
        messages.error(request, _("The visit was not saved: see the errors below."))
        return self.render_to_response(self.get_context_data(form=form, formset=formset))

    def json_answer(self, visit, created):
        return JsonResponse(
            {
                "id": visit.pk,
                "url": reverse("screening:visit_detail", args=[visit.pk]),
                "status": visit.status,
                "client_id": visit.client_id,
                "version": version_of(visit),
                "replayed": not created,
                "warnings": [str(w) for w in getattr(self, "warnings", [])],
            },
            status=201 if created else 200,
        )

    def json_refusal(self, form, formset):
        if form.has_error(NON_FIELD_ERRORS, code="edit_conflict") and self.object is not None:
            return self.json_conflict(form)
        errors = {}
        for name, messages_ in form.errors.items():
            label = form.fields[name].label if name in form.fields else ""
            errors[name] = {"label": str(label or ""), "messages": list(messages_)}
        for index, interview in enumerate(formset.forms):
            for name, messages_ in interview.errors.items():
                label = interview.fields[name].label if name in interview.fields else ""
                errors[f"interviews-{index}-{name}"] = {
                    "label": f"{_('Interview')} {index + 1} · {label or ''}",
                    "messages": list(messages_),
                }
        if formset.non_form_errors():
            errors["interviews"] = {"label": "", "messages": list(formset.non_form_errors())}
        return JsonResponse(
            {"detail": str(_("The visit was not saved: see the errors below.")), "errors": errors},
            status=400,
        )

    def json_conflict(self, form, detail=None):
        """The draft was changed on the server after the phone's copy was taken: nothing is
        saved; both versions go back for the person to choose."""
        current = ScreeningVisit.objects.select_related("institution").get(pk=self.object.pk)
        server_form = ScreeningVisitForm(instance=current, user=self.request.user)
        server_formset = InterviewFormSet(instance=current, prefix="interviews")
        pairs = post_pairs(server_form, server_formset)
        theirs = QueryDict(mutable=True)
        for name, value in pairs:
            theirs.appendlist(name, value)
        messages_ = (
            [detail]
            if detail
            else [m for e in form.errors.as_data().get(NON_FIELD_ERRORS, []) for m in e.messages]
        )
        return JsonResponse(
            {
                "detail": " ".join(str(m) for m in messages_),
                "code": "edit_conflict",
                "status": current.status,
                "version": version_of(current),
                "fields": pairs,
                "differences": compare(
                    {"instance": current, "user": self.request.user}, self.request.POST, theirs
                ),
            },
            status=409,
        )


class VisitCreateView(VisitEditMixin, ObjectCreateView):
    def post(self, request, *args, **kwargs):
        if formkeeping.wants_json(request):
            # The outbox is told why, and keeps the visit on the phone.
            try:
                self.institution  # noqa: B018 - resolves (and scopes) the institution
            except Http404:
                return JsonResponse(
                    {
                        "detail": str(
                            _(
                                "This institution or venue is not (or no longer) in your unit: "
                                "the visit was not recorded. Ask the county section."
                            )
                        ),
                        "code": "institution_not_visible",
                    },
                    status=404,
                )
        return super().post(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        if not request.GET.get("institution"):
            return ChooseInstitutionView.as_view()(request)
        return super().get(request, *args, **kwargs)

    @cached_property
    def institution(self):
        return visible_institution(self.request, self.request.GET.get("institution"))

    def get_edited_object(self):
        return None

    def save(self, form, formset, submit):
        return services.record_visit(
            user=self.request.user,
            visit=form.instance,
            client_id=form.cleaned_data.get("client_id", ""),
            interviews=formset.save(commit=False),
            attachments=form.uploads(),
            kept=form.kept(),
            submit=submit,
        )

    def get_initial(self):
        initial = super().get_initial()
        initial["client_id"] = uuid.uuid4().hex
        return initial

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = ScreeningVisit(institution=self.institution)
        # A spot check's link proposes its round (暗访督查); the user may change it.
        if self.request.GET.get("round") in ScreeningRound.values:
            kwargs["instance"].round = self.request.GET["round"]
        return kwargs

    def get_formset(self):
        if getattr(self, "object", None) is None:
            self.object = ScreeningVisit(institution=self.institution)
        return super().get_formset()


class VisitUpdateView(VisitEditMixin, ObjectUpdateView):
    """Only a draft is edited; a submitted visit sends the user back to its page."""

    select_related = ("institution", "institution__township", "staff")

    @cached_property
    def institution(self):
        return self.object.institution

    def get_edited_object(self):
        return self.object

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        if self.object.status == VisitStatus.SUBMITTED:
            return self.read_only()
        return self.render_to_response(self.get_context_data())

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        if self.object.status == VisitStatus.SUBMITTED:
            if formkeeping.wants_json(request):
                return self.json_conflict(
                    None,
                    detail=_(
                        "This visit was submitted on the server after the phone's copy was "
                        "taken: it is read only; the county section may reopen it."
                    ),
                )
            return self.read_only()
        return super().post(request, *args, **kwargs)

    def json_answer(self, visit, created):
        response = super().json_answer(visit, created)
        response.status_code = 200
        return response

    def read_only(self):
        messages.warning(
            self.request,
            _("This visit has been submitted and is read only; the county section may reopen it."),
        )
        return redirect("screening:visit_detail", pk=self.object.pk)


class ChooseInstitutionView(PermissionRequiredMixin, TemplateView):
    """ "Record a visit" without an institution: find it first (by name or address)."""

    permission = "can_edit_registry"
    template_name = "screening/visits/choose_institution.html"
    limit = 30

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        q = self.request.GET.get("q", "").strip()
        institutions = institutions_to_visit(self.request.user, q)
        context.update(
            q=q, institutions=list(institutions[: self.limit]), limit=self.limit, title=""
        )
        return context


class VisitDetailView(ObjectDetailView):
    model = ScreeningVisit
    select_related = ("institution", "institution__township", "staff", "created_by")
    prefetch_related = ("interviews", "attachments")
    template_name = "screening/visits/visit_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        visit = self.object
        history = history_entries(ScreeningVisit, visit.history.all(), excluded=HISTORY_EXCLUDED)
        user = self.request.user
        context.update(
            visit=visit,
            title=str(visit),
            history=history,
            status_badge=status_badge(visit),
            red_flags=red_flag_badges(visit),
            submitted_by=submitted_by(history) if visit.status == VisitStatus.SUBMITTED else None,
            can_edit=user.can_edit_registry and visit.status == VisitStatus.DRAFT,
            can_reopen=user.can_review and visit.status == VisitStatus.SUBMITTED,
            can_withdraw=user.can_edit_registry and visit.is_withdrawable,
            reopen_form=kwargs.get("reopen_form") or ReopenForm(),
            form_minutes=plausibility.form_minutes(visit),
            distance_km=(
                plausibility.distance_km(
                    visit.latitude,
                    visit.longitude,
                    visit.institution.latitude,
                    visit.institution.longitude,
                )
                if visit.latitude is not None and visit.institution.latitude is not None
                else None
            ),
        )
        return context


class VisitActionView(PermissionRequiredMixin, View):
    """POST only; another township's visit is not found (404) before anything is read."""

    permission = "can_edit_registry"

    def get_visit(self, request, pk):
        return get_object_or_404(
            ScreeningVisit.objects.visible_to(request.user).select_related("institution"), pk=pk
        )


class VisitSubmitView(VisitActionView):
    def post(self, request, pk):
        visit = self.get_visit(request, pk)
        try:
            services.submit_visit(user=request.user, visit=visit)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
            if visit.status == VisitStatus.DRAFT:
                return redirect("screening:visit_update", pk=visit.pk)
            return redirect("screening:visit_detail", pk=visit.pk)
        messages.success(request, _("The visit has been submitted."))
        return redirect("screening:visit_detail", pk=visit.pk)


class VisitWithdrawView(VisitActionView):
    """Township staff take back a submitted visit the county has not acted on."""

    def post(self, request, pk):
        visit = self.get_visit(request, pk)
        try:
            services.withdraw_visit(user=request.user, visit=visit)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
            return redirect("screening:visit_detail", pk=visit.pk)
        messages.success(
            request, _("The visit has been withdrawn: it is a draft again and can be corrected.")
        )
        return redirect("screening:visit_update", pk=visit.pk)


class VisitReopenView(VisitActionView):
    permission = "can_review"

    def post(self, request, pk):
        visit = self.get_visit(request, pk)
        form = ReopenForm(request.POST)
        if form.is_valid():
            try:
                services.reopen_visit(
                    user=request.user, visit=visit, reason=form.cleaned_data["reason"]
                )
            except ValidationError as exc:
                for message in exc.messages:
                    messages.error(request, message)
            else:
                messages.success(request, _("The visit is a draft again and can be corrected."))
        else:
            messages.error(request, _("Give the reason for reopening."))
        return redirect("screening:visit_detail", pk=visit.pk)


class VisitAttachmentView(View):
    """A visit's photo or document, served only to those who see the visit."""

    def get(self, request, pk):
        attachment = get_object_or_404(VisitAttachment.objects.visible_to(request.user), pk=pk)
        return file_response(attachment.file.name)


urlpatterns = [
    path("visits/", VisitListView.as_view(), name="visit_list"),
    path("visits/export/", VisitListView.as_view(export=True), name="visit_list_export"),
    path("visits/new/", VisitCreateView.as_view(), name="visit_create"),
    path("visits/<int:pk>/", VisitDetailView.as_view(), name="visit_detail"),
    path("visits/<int:pk>/edit/", VisitUpdateView.as_view(), name="visit_update"),
    path("visits/<int:pk>/submit/", VisitSubmitView.as_view(), name="visit_submit"),
    path("visits/<int:pk>/reopen/", VisitReopenView.as_view(), name="visit_reopen"),
    path("visits/<int:pk>/withdraw/", VisitWithdrawView.as_view(), name="visit_withdraw"),
    path("visits/files/<int:pk>/", VisitAttachmentView.as_view(), name="visit_attachment"),
]
