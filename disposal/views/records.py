"""Pages of the records kept per institution: refunds owed and paid, resettlement,
assistance, transfers, and the "一院一策" plan. The institution comes from the URL, among
those the user sees (else 404); personal data is masked for the roles that do not need it."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views import View

from core.exports import CHUNK_SIZE, export_url, xlsx_response
from core.masking import show_id_number, show_phone
from core.views import ObjectCreateView, PermissionRequiredMixin

from ..exports import record_table, refund_table
from ..forms.records import (
    AssistanceForm,
    PlanForm,
    RefundPlanForm,
    RefundRecordForm,
    ResettlementForm,
    TransferForm,
)
from ..models import Assistance, RefundPlan, RefundRecord, Resettlement, Transfer
from ..selectors.records import plan_versions, refunds_with_payments
from ..services.records import prefill_refunds, record_refund, save_plan, save_record
from .common import InstitutionMixin, InstitutionRecordCreateView, ServiceErrorsMixin, put_errors


class RecordListView(InstitutionMixin, View):
    """Resettlement, assistance or transfers of one institution, personal data masked."""

    model = None
    tab = ""
    title = ""
    create_url = ""
    columns: list = []

    def get_queryset(self):
        return self.model.objects.visible_to(self.request.user).filter(institution=self.institution)

    export = False
    export_name = ""  # the file's name after the institution's: 「<机构>-老人安置」

    def get(self, request, institution_pk):
        user = request.user
        if self.export:
            return xlsx_response(
                record_table(self.title, self.columns, user),
                self.get_queryset().iterator(chunk_size=CHUNK_SIZE),
                name=f"{self.institution.name}-{self.export_name}",
                user=user,
            )
        records = list(self.get_queryset().select_related("created_by"))
        rows = [[cell(record, user) for _label, cell in self.columns] for record in records]
        context = {
            "title": self.title,
            "institution": self.institution,
            "tab": self.tab,
            "headers": [label for label, _cell in self.columns],
            "rows": rows,
            "create_url": reverse(self.create_url, args=[self.institution.pk]),
            "export_url": export_url(request),
        }
        return render(request, "disposal/record_list.html", context)


def dated(name):
    return lambda record, user: (
        getattr(record, name).strftime("%Y-%m-%d") if getattr(record, name) else "—"
    )


class ResettlementListView(RecordListView):
    export_name = "老人安置"
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
    export_name = "老人救助"
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
    export_name = "移送"
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


class RecordCreateView(InstitutionRecordCreateView):
    """A resettlement, assistance, transfer or refund owed, saved through one service."""

    def save(self, form):
        return save_record(user=self.request.user, record=form.instance)


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
    export = False

    def get(self, request, institution_pk):
        user = request.user
        plans, totals = refunds_with_payments(user, self.institution)
        if self.export:
            return xlsx_response(
                refund_table(user), plans, name=f"{self.institution.name}-老人退费", user=user
            )
        for plan in plans:
            plan.shown_id = show_id_number(plan.payer_id_number, user)
            plan.shown_phone = show_phone(plan.payer_phone, user)
        context = {
            "title": _("Refunds to elders"),
            "institution": self.institution,
            "tab": self.tab,
            "plans": plans,
            "totals": totals,
            "export_url": export_url(request),
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
        versions = plan_versions(request.user, self.institution)
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
