"""Pages of the records kept per institution: refunds to elders (the one refund ledger),
resettlement, assistance, transfers, and the "一院一策" plan. The institution comes from the
URL, among those the user sees (else 404); personal data is masked for the roles that do not
need it."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import FormView

from core.exports import CHUNK_SIZE, export_url, xlsx_response
from core.masking import show_id_number, show_phone
from core.views import PermissionRequiredMixin
from screening.models import PrepaymentRecord, PrepaymentRefund
from screening.services.refunds import record_refund, reverse_refund

from ..exports import record_table, refund_table
from ..forms.records import (
    AssistanceForm,
    PlanForm,
    RefundForm,
    RefundReversalForm,
    ResettlementForm,
    TransferForm,
)
from ..models import Assistance, Resettlement, Transfer
from ..selectors.records import plan_versions, refunds_with_payments
from ..services.records import save_plan, save_record
from .common import InstitutionMixin, InstitutionRecordCreateView, put_errors


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
    """A resettlement, assistance or transfer, saved through one service."""

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


class RefundListView(InstitutionMixin, View):
    """Refunds elder by elder, from the one refund ledger: what each paid (their prepayment
    records), what was refunded (the ledger's entries, reversals included), what is still
    owed; and the totals the institution page, the 清零 ledger and 附件4/6 show too."""

    tab = "refunds"
    export = False

    def get(self, request, institution_pk):
        user = request.user
        payers, totals = refunds_with_payments(user, self.institution)
        if self.export:
            return xlsx_response(
                refund_table(user), payers, name=f"{self.institution.name}-老人退费", user=user
            )
        for payer in payers:
            payer.shown_id = show_id_number(payer.payer_id_number, user)
            payer.shown_phone = show_phone(payer.payer_phone, user)
        context = {
            "title": _("Refunds to elders"),
            "institution": self.institution,
            "tab": self.tab,
            "payers": payers,
            "totals": totals,
            "export_url": export_url(request),
        }
        return render(request, "disposal/refund_list.html", context)


class LedgerFormView(PermissionRequiredMixin, FormView):
    """A write to the refund ledger about one of its rows (404 outside the user's area);
    the ledger's service checks the rules and the errors go back on the form."""

    permission = "can_edit_registry"
    template_name = "disposal/record_form.html"
    success_message = ""

    def get_success_url(self):
        return reverse("disposal:refund_list", args=[self.institution.pk])

    def form_valid(self, form):
        try:
            self.write(form.cleaned_data)
        except ValidationError as exc:
            put_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, self.success_message)
        return redirect(self.get_success_url())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            institution=self.institution,
            tab="refunds",
            back_url=self.get_success_url(),
            title=self.title(),
        )
        return context


class RefundCreateView(LedgerFormView):
    """A refund paid to an elder against one of their prepayment records."""

    form_class = RefundForm
    success_message = _("Refund recorded.")

    @cached_property
    def prepayment(self):
        return get_object_or_404(
            PrepaymentRecord.objects.visible_to(self.request.user).select_related(
                "institution", "institution__township"
            ),
            pk=self.kwargs["pk"],
        )

    @property
    def institution(self):
        return self.prepayment.institution

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "prepayment": self.prepayment}

    def write(self, data):
        record_refund(
            user=self.request.user,
            prepayment=self.prepayment,
            amount=data["amount"],
            refunded_on=data["refunded_on"],
            notes=data["notes"],
        )

    def title(self):
        record = self.prepayment
        return _("Record a refund to %(name)s (%(kind)s of %(amount)s yuan, paid on %(date)s)") % {
            "name": record.payer_name,
            "kind": record.get_kind_display(),
            "amount": f"{record.amount:,.2f}",
            "date": f"{record.paid_on:%Y-%m-%d}",
        }


class RefundReverseView(LedgerFormView):
    """A wrong refund entry is cancelled by its reversal, with the reason; never deleted."""

    form_class = RefundReversalForm
    success_message = _("Refund reversed.")

    @cached_property
    def refund(self):
        return get_object_or_404(
            PrepaymentRefund.objects.visible_to(self.request.user).select_related(
                "prepayment", "institution", "institution__township"
            ),
            pk=self.kwargs["pk"],
        )

    @property
    def institution(self):
        return self.refund.institution

    def write(self, data):
        reverse_refund(user=self.request.user, refund=self.refund, reason=data["reason"])

    def title(self):
        refund = self.refund
        return _("Reverse the refund of %(amount)s yuan to %(name)s on %(date)s") % {
            "amount": f"{refund.amount:,.2f}",
            "name": refund.prepayment.payer_name,
            "date": f"{refund.refunded_on:%Y-%m-%d}",
        }


class InstitutionPlanView(InstitutionMixin, View):
    """一院一策: the current plan, its earlier versions, and a new version."""

    tab = "plan"

    def render_page(self, request, form=None):
        versions = plan_versions(request.user, self.institution)
        if form is None and request.user.can_edit_registry:
            form = PlanForm(
                initial={
                    "text": versions[0].text if versions else "",
                    "based_on": versions[0].version if versions else 0,
                }
            )
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
                    user=request.user,
                    institution=self.institution,
                    text=form.cleaned_data["text"],
                    based_on=form.cleaned_data["based_on"],
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
