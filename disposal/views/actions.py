"""Pages of disposal: the boards, the actions, the 清零 ledger and the records kept per
institution. Every row comes from its model's ``visible_to(user)``: another township's
record is not found (404); leaders read and never write (403)."""

from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy as _
from django.views import View

from core.history import history_entries
from core.masking import show_id_number, show_phone
from core.views import (
    ObjectCreateView,
    ObjectDetailView,
    ObjectListView,
    ObjectUpdateView,
    PermissionRequiredMixin,
)
from institutions.models import Institution, RegistrationStatus
from risklists.selectors import rating_findings

from ..exports import XLSX, penalties_workbook
from ..filters import ActionFilterSet, LedgerFilterSet, PenaltyFilterSet
from ..forms.actions import ActionForm, AddActionForm, KeyForm
from ..forms.penalties import PenaltyForm, ProposeForm, WithdrawForm
from ..forms.records import (
    AssistanceForm,
    PlanForm,
    RefundPlanForm,
    RefundRecordForm,
    ResettlementForm,
    TransferForm,
)
from ..forms.settings import DeadlineForm, NotificationRecipientForm, PolicyForm
from ..forms.zeroing import CrossOffForm, ZeroingAssignForm
from ..levels import ActionType
from ..models import (
    ActionEvidence,
    Assistance,
    DisposalAction,
    InstitutionPlan,
    Penalty,
    RefundPlan,
    RefundRecord,
    Resettlement,
    Transfer,
    ZeroingEntry,
    expected_authority,
)
from ..selectors.actions import board, board_lists, key_cases
from ..selectors.penalties import penalties, penalty_figures
from ..selectors.records import refund_plans, refund_totals
from ..selectors.settings import deadline_days, disposal_policy, notification_recipient
from ..selectors.zeroing import target_outcome, zeroing_ledger
from ..services.actions import add_conditional_action, add_evidence, mark_key_case, update_action
from ..services.penalties import propose_penalty, record_penalty, withdraw_penalty
from ..services.records import prefill_refunds, record_refund, save_plan, save_record
from ..services.settings import save_deadlines, save_disposal_policy, save_notification_recipient
from ..services.zeroing import Registration, assign_zeroing, cross_off
from ..tables import ActionTable, PenaltyTable, proposal_badge, status_badge
from ..validators import validate_evidence_file

HISTORY_EXCLUDED = ("scope_path", "updated_at")


def put_errors(form, exc: ValidationError):
    """A service's errors on the form's own fields where it has them, else on the form."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


class ServiceErrorsMixin:
    """Like ObjectEditView, but a service error on a field the form lacks is not a 500."""

    def form_valid(self, form):
        try:
            self.object = self.save(form)
        except ValidationError as exc:
            put_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, self.success_message)
        return redirect(self.get_success_url())


# --- boards -----------------------------------------------------------------------------


class BoardView(View):
    """The township's or the county's board; the county sees what is overdue first."""

    def get(self, request):
        today = timezone.localdate()
        total, townships = board(request.user, today)
        lists = board_lists(request.user, today)
        is_county = request.user.is_county_level or len(townships) > 1
        sections = [
            ("overdue", _("Overdue: escalated to the county"), lists["overdue"]),
            ("due_this_week", _("Due this week"), lists["due_this_week"]),
            ("level_lowered", _("Level lowered: decide"), lists["level_lowered"]),
        ]
        if not is_county:
            sections = [sections[1], sections[0], sections[2]]
        for _key, _title, actions in sections:
            for action in actions:
                action.badge = status_badge(action, today)
        context = {
            "title": _("Disposal board"),
            "key_cases": key_cases(request.user, today),
            "penalties": penalty_figures(request.user),
            "total": total,
            "townships": townships if is_county else [],
            "sections": sections,
            "is_county": is_county,
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
    template_name = "disposal/action_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        institution_id = self.request.GET.get("institution", "")
        context["institution"] = (
            Institution.objects.visible_to(self.request.user).filter(pk=int(institution_id)).first()
            if institution_id.isdigit()
            else None
        )
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
        try:
            handle = evidence.file.open("rb")
        except FileNotFoundError as exc:
            raise Http404(_("The file is missing.")) from exc
        return FileResponse(handle, as_attachment=True, filename=evidence.original_name)


# --- the 清零 ledger ----------------------------------------------------------------------


def ledger_row(institution, findings):
    entry = getattr(institution, "zeroing", None)
    registered = institution.registration_status != RegistrationStatus.UNREGISTERED
    return {
        "institution": institution,
        "entry": entry,
        "target": target_outcome(findings),
        "large_prepayment": findings.large_prepayment,
        "registered": registered,
        "crossed_off": bool(entry and entry.is_crossed_off),
    }


class ZeroingLedgerView(View):
    """清零 台账: every venue, its person in charge, target outcome and status (挂图作战)."""

    paginate_by = 50

    def get(self, request):
        queryset = (
            zeroing_ledger(request.user)
            .select_related("township", "village", "zeroing", "zeroing__responsible_user")
            .order_by("township__path", "name")
        )
        filterset = LedgerFilterSet(request.GET or None, queryset=queryset, request=request)
        rows = filterset.qs if filterset.is_bound and filterset.is_valid() else queryset
        page = Paginator(rows, self.paginate_by).get_page(request.GET.get("page"))
        items = list(page.object_list)
        findings = rating_findings(items)
        total, _townships = board(request.user)
        context = {
            "title": _("Zeroing ledger"),
            "filter": filterset,
            "page": page,
            "rows": [ledger_row(i, findings[i.pk]) for i in items],
            "total": total,
        }
        return render(request, "disposal/zeroing_ledger.html", context)


class ZeroingMixin:
    def get_institution(self, request, institution_pk):
        institution = get_object_or_404(
            zeroing_ledger(request.user).select_related("township"), pk=institution_pk
        )
        return institution


def zeroing_context(request, institution, assign_form=None, cross_off_form=None):
    user = request.user
    findings = rating_findings([institution])[institution.pk]
    entry = (
        ZeroingEntry.objects.visible_to(user)
        .filter(institution=institution)
        .select_related("responsible_user", "crossed_off_by", "transfer")
        .first()
    )
    if user.can_edit_registry and not (entry and entry.is_crossed_off):
        if assign_form is None:
            initial = {}
            if entry:
                initial = {
                    "responsible_user": entry.responsible_user_id,
                    "responsible_name": entry.responsible_name,
                    "notes": entry.notes,
                }
            assign_form = ZeroingAssignForm(initial=initial, institution=institution, user=user)
        if cross_off_form is None:
            cross_off_form = CrossOffForm()
    history = (
        history_entries(ZeroingEntry, entry.history.all(), excluded=HISTORY_EXCLUDED)
        if entry
        else []
    )
    return {
        "title": institution.name,
        "institution": institution,
        "entry": entry,
        "row": ledger_row(institution, findings),
        "transfers": list(Transfer.objects.visible_to(user).filter(institution=institution)),
        "expected_authority": expected_authority(institution),
        "refunds": refund_totals([institution.pk])[institution.pk],
        "follow_up": DisposalAction.objects.visible_to(user)
        .filter(institution=institution, action_type=ActionType.FOLLOW_UP_CHECK)
        .first(),
        "assign_form": assign_form,
        "cross_off_form": cross_off_form,
        "history": history,
    }


class ZeroingDetailView(ZeroingMixin, View):
    def get(self, request, institution_pk):
        institution = self.get_institution(request, institution_pk)
        return render(
            request, "disposal/zeroing_detail.html", zeroing_context(request, institution)
        )

    def post(self, request, institution_pk):
        """Put a person in charge (包干到人)."""
        if not request.user.can_edit_registry:
            raise PermissionDenied(_("Your role does not allow this."))
        institution = self.get_institution(request, institution_pk)
        form = ZeroingAssignForm(request.POST, institution=institution, user=request.user)
        if form.is_valid():
            try:
                assign_zeroing(user=request.user, institution=institution, **form.cleaned_data)
            except ValidationError as exc:
                put_errors(form, exc)
            else:
                messages.success(request, _("Saved."))
                return redirect("disposal:zeroing_detail", institution_pk=institution.pk)
        return render(
            request,
            "disposal/zeroing_detail.html",
            zeroing_context(request, institution, assign_form=form),
        )


class ZeroingCrossOffView(PermissionRequiredMixin, ZeroingMixin, View):
    """POST only: 销号, refused with a clear message until the outcome is reached."""

    permission = "can_edit_registry"

    def post(self, request, institution_pk):
        institution = self.get_institution(request, institution_pk)
        form = CrossOffForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            registration = None
            if data.get("credit_code"):
                registration = Registration(
                    credit_code=data["credit_code"],
                    registration_status=data.get("registration_status")
                    or RegistrationStatus.REGISTERED_NOT_FILED,
                    legal_form=data.get("legal_form", ""),
                    registration_authority=data.get("registration_authority", ""),
                )
            try:
                cross_off(
                    user=request.user,
                    institution=institution,
                    outcome=data["outcome"],
                    outcome_on=data.get("outcome_on"),
                    registration=registration,
                    notes=data.get("notes", ""),
                )
            except ValidationError as exc:
                put_errors(form, exc)
            else:
                messages.success(request, _("Crossed off the zeroing ledger."))
                return redirect("disposal:zeroing_detail", institution_pk=institution.pk)
        messages.error(request, _("Not crossed off: see the reason below."))
        institution.refresh_from_db()
        return render(
            request,
            "disposal/zeroing_detail.html",
            zeroing_context(request, institution, cross_off_form=form),
            status=200,
        )


# --- records kept per institution -------------------------------------------------------


class InstitutionMixin:
    """The institution named in the URL, among those the user sees (else 404)."""

    @cached_property
    def institution(self):
        return get_object_or_404(
            Institution.objects.visible_to(self.request.user).select_related("township"),
            pk=self.kwargs["institution_pk"],
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["institution"] = self.institution
        context["tab"] = self.tab
        return context


class RecordListView(InstitutionMixin, View):
    """Resettlement, assistance or transfers of one institution, personal data masked."""

    model = None
    tab = ""
    title = ""
    create_url = ""
    columns: list = []

    def get_queryset(self):
        return self.model.objects.visible_to(self.request.user).filter(institution=self.institution)

    def get(self, request, institution_pk):
        user = request.user
        records = list(self.get_queryset().select_related("created_by"))
        rows = [[cell(record, user) for _label, cell in self.columns] for record in records]
        context = {
            "title": self.title,
            "institution": self.institution,
            "tab": self.tab,
            "headers": [label for label, _cell in self.columns],
            "rows": rows,
            "create_url": reverse(self.create_url, args=[self.institution.pk]),
        }
        return render(request, "disposal/record_list.html", context)


def dated(name):
    return lambda record, user: (
        getattr(record, name).strftime("%Y-%m-%d") if getattr(record, name) else "—"
    )


class ResettlementListView(RecordListView):
    model = Resettlement
    tab = "resettlement"
    title = _("Resettlement of elders")
    create_url = "disposal:resettlement_create"
    columns = [
        (_("Elder"), lambda r, u: r.elder_name),
        (_("ID number"), lambda r, u: show_id_number(r.elder_id_number, u) or "—"),
        (_("Resettled to"), lambda r, u: f"{r.get_destination_kind_display()} · {r.destination}"),
        (_("Resettled on"), dated("resettled_on")),
        (_("Notes"), lambda r, u: r.notes or "—"),
    ]


class AssistanceListView(RecordListView):
    model = Assistance
    tab = "assistance"
    title = _("Assistance to elders")
    create_url = "disposal:assistance_create"
    columns = [
        (_("Elder"), lambda r, u: r.elder_name),
        (_("ID number"), lambda r, u: show_id_number(r.elder_id_number, u) or "—"),
        (_("Kind of assistance"), lambda r, u: r.get_kind_display()),
        (_("Granted on"), dated("granted_on")),
        (_("Amount (yuan)"), lambda r, u: f"{r.amount:,.2f}" if r.amount is not None else "—"),
    ]


class TransferListView(RecordListView):
    model = Transfer
    tab = "transfers"
    title = _("Transfers")
    create_url = "disposal:transfer_create"
    columns = [
        (_("Transferred to"), lambda r, u: r.get_authority_display()),
        (_("Receiving unit"), lambda r, u: r.receiving_unit or "—"),
        (_("Transferred on"), dated("transferred_on")),
        (_("Document number"), lambda r, u: r.document_number or "—"),
        (_("Case filed on"), dated("case_filed_on")),
    ]


class RecordCreateView(InstitutionMixin, ServiceErrorsMixin, ObjectCreateView):
    template_name = "disposal/record_form.html"
    list_url = ""
    tab = ""

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["institution"] = self.institution
        return kwargs

    def save(self, form):
        return save_record(user=self.request.user, record=form.instance)

    def get_success_url(self):
        return reverse(self.list_url, args=[self.institution.pk])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = self.model._meta.verbose_name
        context["back_url"] = self.get_success_url()
        return context


class ResettlementCreateView(RecordCreateView):
    model = Resettlement
    form_class = ResettlementForm
    list_url = "disposal:resettlement_list"
    tab = "resettlement"


class AssistanceCreateView(RecordCreateView):
    model = Assistance
    form_class = AssistanceForm
    list_url = "disposal:assistance_list"
    tab = "assistance"


class TransferCreateView(RecordCreateView):
    model = Transfer
    form_class = TransferForm
    list_url = "disposal:transfer_list"
    tab = "transfers"


class RefundPlanCreateView(RecordCreateView):
    model = RefundPlan
    form_class = RefundPlanForm
    list_url = "disposal:refund_list"
    tab = "refunds"


class RefundListView(InstitutionMixin, View):
    """Refunds per elder: due, refunded (the sum of refunds paid), outstanding; totals."""

    tab = "refunds"

    def get(self, request, institution_pk):
        user = request.user
        plans = list(
            refund_plans(self.institution).filter(
                pk__in=RefundPlan.objects.visible_to(user).values("pk")
            )
        )
        for plan in plans:
            plan.shown_id = show_id_number(plan.payer_id_number, user)
            plan.shown_phone = show_phone(plan.payer_phone, user)
        records = (
            RefundRecord.objects.visible_to(user)
            .filter(institution=self.institution)
            .order_by("refunded_on", "pk")
        )
        by_plan = {}
        for record in records:
            by_plan.setdefault(record.plan_id, []).append(record)
        for plan in plans:
            plan.payments = by_plan.get(plan.pk, [])
        totals = {
            "due": sum((p.amount_due for p in plans), Decimal("0")),
            "refunded": sum((p.refunded for p in plans), Decimal("0")),
        }
        totals["outstanding"] = totals["due"] - totals["refunded"]
        context = {
            "title": _("Refunds to elders"),
            "institution": self.institution,
            "tab": self.tab,
            "plans": plans,
            "totals": totals,
        }
        return render(request, "disposal/refund_list.html", context)


class RefundPrefillView(PermissionRequiredMixin, InstitutionMixin, View):
    """POST: one refund owed per payer with an outstanding prepayment (screening records)."""

    permission = "can_edit_registry"

    def post(self, request, institution_pk):
        created = prefill_refunds(user=request.user, institution=self.institution)
        if created:
            messages.success(
                request,
                _("%(n)s refunds owed added from the prepayment records.") % {"n": len(created)},
            )
        else:
            messages.info(request, _("No outstanding prepayment without a refund owed."))
        return redirect("disposal:refund_list", institution_pk=self.institution.pk)


class RefundRecordCreateView(ServiceErrorsMixin, ObjectCreateView):
    model = RefundRecord
    form_class = RefundRecordForm
    template_name = "disposal/record_form.html"
    success_message = _("Refund recorded.")

    @cached_property
    def plan(self):
        return get_object_or_404(
            RefundPlan.objects.visible_to(self.request.user).select_related(
                "institution", "institution__township"
            ),
            pk=self.kwargs["pk"],
        )

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["plan"] = self.plan
        return kwargs

    def save(self, form):
        return record_refund(user=self.request.user, record=form.instance)

    def get_success_url(self):
        return reverse("disposal:refund_list", args=[self.plan.institution_id])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            title=_("Record a refund to %(name)s") % {"name": self.plan.payer_name},
            institution=self.plan.institution,
            tab="refunds",
            back_url=self.get_success_url(),
        )
        return context


class InstitutionPlanView(InstitutionMixin, View):
    """一院一策: the current plan, its earlier versions, and a new version."""

    tab = "plan"

    def render_page(self, request, form=None):
        versions = list(
            InstitutionPlan.objects.visible_to(request.user)
            .filter(institution=self.institution)
            .select_related("created_by")
            .order_by("-version")
        )
        if form is None and request.user.can_edit_registry:
            form = PlanForm(initial={"text": versions[0].text if versions else ""})
        context = {
            "title": _("One institution, one plan"),
            "institution": self.institution,
            "tab": self.tab,
            "versions": versions,
            "form": form,
        }
        return render(request, "disposal/plan.html", context)

    def get(self, request, institution_pk):
        return self.render_page(request)

    def post(self, request, institution_pk):
        if not request.user.can_edit_registry:
            raise PermissionDenied(_("Your role does not allow this."))
        form = PlanForm(request.POST)
        if form.is_valid():
            try:
                plan = save_plan(
                    user=request.user, institution=self.institution, text=form.cleaned_data["text"]
                )
            except ValidationError as exc:
                put_errors(form, exc)
            else:
                if plan is None:
                    messages.info(request, _("The plan did not change."))
                else:
                    messages.success(
                        request, _("Version %(v)s of the plan saved.") % {"v": plan.version}
                    )
                return redirect("disposal:institution_plan", institution_pk=self.institution.pk)
        return self.render_page(request, form)


class DeadlineSettingsView(PermissionRequiredMixin, View):
    """The county's deadlines per action type (the defaults of ``levels.py`` until set)."""

    permission = "can_review"

    def unit(self, request):
        unit = request.user.unit
        if unit is None or not request.user.is_county_level:
            raise PermissionDenied(_("Only the county section sets deadlines."))
        return unit

    def render_page(self, request, form, policy_form=None, recipient_form=None):
        unit = self.unit(request)
        policy = disposal_policy(unit.path)
        if policy_form is None:
            policy_form = PolicyForm(
                initial={"mechanism_for_every_orange": policy.mechanism_for_every_orange}
            )
        if recipient_form is None:
            recipient_form = NotificationRecipientForm(
                initial={"lead_notification_recipient": policy.notification_recipient}
            )
        context = {
            "title": _("Deadlines of disposal actions"),
            "form": form,
            "policy_form": policy_form,
            "recipient_form": recipient_form,
            "unit": unit,
        }
        return render(request, "disposal/deadline_settings.html", context)

    def get(self, request):
        unit = self.unit(request)
        return self.render_page(request, DeadlineForm(days=deadline_days(unit.path)))

    def post(self, request):
        unit = self.unit(request)
        if "save_policy" in request.POST:
            return self.post_policy(request, unit)
        if "save_recipient" in request.POST:
            return self.post_recipient(request, unit)
        form = DeadlineForm(request.POST, days=deadline_days(unit.path))
        if not form.is_valid():
            return self.render_page(request, form)
        save_deadlines(user=request.user, unit=unit, days=form.cleaned_data)
        messages.success(request, _("Saved. New actions get these deadlines."))
        return redirect("disposal:deadline_settings")

    def post_policy(self, request, unit):
        form = PolicyForm(request.POST)
        if not form.is_valid():
            days = deadline_days(unit.path)
            return self.render_page(request, DeadlineForm(days=days), form)
        added = save_disposal_policy(
            user=request.user,
            unit=unit,
            mechanism_for_every_orange=form.cleaned_data["mechanism_for_every_orange"],
        )
        messages.success(
            request,
            _("Saved. %(n)s orange or red institutions entered the mechanism now.") % {"n": added}
            if added
            else _("Saved."),
        )
        return redirect("disposal:deadline_settings")

    def post_recipient(self, request, unit):
        form = NotificationRecipientForm(request.POST)
        if form.is_valid():
            try:
                save_notification_recipient(
                    user=request.user,
                    unit=unit,
                    recipient=form.cleaned_data["lead_notification_recipient"],
                )
            except ValidationError as exc:
                put_errors(form, exc)
            else:
                messages.success(request, _("Saved. New lead notifications propose it."))
                return redirect("disposal:deadline_settings")
        days = deadline_days(unit.path)
        return self.render_page(request, DeadlineForm(days=days), recipient_form=form)


class ActionAddView(InstitutionMixin, View):
    """The county section adds 纳入处非机制 or 移送司法机关 to a case by hand, with a reason.
    Another township's institution is not found (404) before the role is asked (403)."""

    tab = "actions"

    def existing(self):
        return set(
            DisposalAction.objects.visible_to(self.request.user)
            .filter(institution=self.institution)
            .values_list("action_type", flat=True)
        )

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


# --- who was punished (区县方案 二(三)四 联合惩戒) ----------------------------------------------


class PenaltyListView(ObjectListView):
    """被依法依规惩处的机构和人员: the penalties the user sees, by township, kind, ground and
    whether the county proposed them for the joint-punishment list."""

    model = Penalty
    table_class = PenaltyTable
    filterset_class = PenaltyFilterSet
    title = _("Institutions and persons punished under laws and regulations")
    template_name = "disposal/penalty_list.html"

    def get_queryset(self):
        return penalties(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        institution_id = self.request.GET.get("institution", "")
        context["institution"] = (
            Institution.objects.visible_to(self.request.user)
            .select_related("township")
            .filter(pk=int(institution_id))
            .first()
            if institution_id.isdigit()
            else None
        )
        context["export_query"] = self.request.GET.urlencode()
        return context


class PenaltyExportView(View):
    """The list as filtered, as .xlsx (ID numbers masked for roles that do not need them)."""

    def get(self, request):
        queryset = penalties(request.user).order_by(
            "institution__township__path", "institution__name", "-decided_on", "pk"
        )
        filterset = PenaltyFilterSet(request.GET or None, queryset=queryset, request=request)
        rows = filterset.qs if filterset.is_bound and filterset.is_valid() else filterset.queryset
        content = penalties_workbook(rows.iterator(chunk_size=500), request.user)
        response = HttpResponse(content, content_type=XLSX)
        response["Content-Disposition"] = content_disposition_header(
            as_attachment=True, filename="被依法依规惩处的机构和人员.xlsx"
        )
        return response


class PenaltyCreateView(RecordCreateView):
    """A township (or the county section) records a decision from the institution's page."""

    model = Penalty
    form_class = PenaltyForm
    tab = "penalties"
    success_message = _("Penalty recorded.")

    def save(self, form):
        return record_penalty(user=self.request.user, penalty=form.instance)

    def get_success_url(self):
        if self.object is None:  # the form again: "back" goes to the institution's penalties
            return reverse("disposal:penalty_list") + f"?institution={self.institution.pk}"
        return reverse("disposal:penalty_detail", args=[self.object.pk])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = _("Record a penalty")
        return context


class PenaltyDetailView(ObjectDetailView):
    model = Penalty
    select_related = (
        "institution",
        "institution__township",
        "created_by",
        "proposed_by",
        "withdrawn_by",
    )
    template_name = "disposal/penalty_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        penalty = self.object
        user = self.request.user
        open_ = not penalty.is_withdrawn
        context.update(
            title=penalty.subject,
            institution=penalty.institution,
            tab="penalties",
            shown_id_number=show_id_number(penalty.person_id_number, user),
            proposal=proposal_badge(penalty),
            propose_form=ProposeForm()
            if open_ and user.can_review and not penalty.is_proposed
            else None,
            withdraw_form=WithdrawForm()
            if open_ and user.can_edit_registry and (user.can_review or not penalty.is_proposed)
            else None,
            history=history_entries(
                Penalty,
                penalty.history.all(),
                excluded=(*HISTORY_EXCLUDED, "person_id_number"),
            ),
        )
        return context


class PenaltyActionView(PermissionRequiredMixin, View):
    """POST only: a step on one penalty the user sees (another unit's is not found)."""

    http_method_names = ["post"]
    form_class = None

    def act(self, request, penalty, data):
        raise NotImplementedError

    def post(self, request, pk):
        penalty = get_object_or_404(
            Penalty.objects.visible_to(request.user).select_related("institution"), pk=pk
        )
        form = self.form_class(request.POST)
        if not form.is_valid():
            messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        else:
            try:
                self.act(request, penalty, form.cleaned_data)
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                messages.success(request, self.success_message)
        return redirect("disposal:penalty_detail", pk=penalty.pk)


class PenaltyProposeView(PenaltyActionView):
    """The county section proposes the penalty for the joint-punishment list (联合惩戒)."""

    permission = "can_review"
    form_class = ProposeForm
    success_message = _("Proposed for joint punishment.")

    def act(self, request, penalty, data):
        propose_penalty(user=request.user, penalty=penalty, note=data["note"])


class PenaltyWithdrawView(PenaltyActionView):
    """Withdraw a penalty recorded in error or set aside on review; it is never deleted."""

    permission = "can_edit_registry"
    form_class = WithdrawForm
    success_message = _("Penalty withdrawn.")

    def act(self, request, penalty, data):
        withdraw_penalty(user=request.user, penalty=penalty, reason=data["reason"])
