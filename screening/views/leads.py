"""Leads (线索): list, record, edit, and the workflow received → verified → handled → fed back."""

from datetime import date, timedelta
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy as _
from django.views import View

from core.exports import XLSX
from core.history import history_entries
from core.views import (
    ObjectCreateView,
    ObjectDetailView,
    ObjectListView,
    ObjectUpdateView,
    OutboxCreateMixin,
    PermissionRequiredMixin,
)

from ..filters.leads import LeadFilterSet
from ..forms.leads import STEP_FORMS, GroundlessForm, KeyForm, LeadForm, ReportForm
from ..models import Lead, LeadStatus
from ..reports import lead_handling_workbook
from ..selectors.lead_handling import SOURCES, STAGES, lead_handling
from ..services import leads as services
from ..tables.leads import LeadTable, status_badge

HISTORY_EXCLUDED = ("scope_path", "updated_at")


class LeadListView(ObjectListView):
    model = Lead
    select_related = ("unit", "institution", "handler")
    table_class = LeadTable
    filterset_class = LeadFilterSet
    title = _("Leads")
    export_name = "线索台账"
    template_name = "screening/leads/lead_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["overdue_days"] = services.OVERDUE_DAYS
        return context


class LeadDetailView(ObjectDetailView):
    model = Lead
    select_related = ("unit", "institution", "handler", "created_by")
    template_name = "screening/leads/lead_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(detail_context(self.request, self.object))
        return context


def detail_context(request, lead, step_form=None, report_form=None, groundless_form=None):
    user = request.user
    form_class = STEP_FORMS.get(lead.status)
    if step_form is None and form_class is not None and user.can_edit_registry:
        step_form = form_class(lead=lead, user=user)
    if report_form is None and user.can_edit_registry:
        report_form = ReportForm(lead=lead, user=user)
    if groundless_form is None and user.can_edit_registry and services.can_find_groundless(lead):
        groundless_form = GroundlessForm(lead=lead, user=user)
    steps = [
        (LeadStatus.RECEIVED.label, lead.received_on),
        (LeadStatus.VERIFIED.label, lead.verified_on),
        (LeadStatus.HANDLED.label, lead.handled_on),
        (LeadStatus.FED_BACK.label, lead.fed_back_on),
    ]
    return {
        "object": lead,
        "lead": lead,
        "title": lead.subject,
        "status_badge": status_badge(lead),
        "overdue": services.is_overdue(lead),
        "overdue_days": services.OVERDUE_DAYS,
        "steps": steps,
        "step_form": step_form,
        "report_form": report_form,
        "groundless_form": groundless_form,
        "history": history_entries(Lead, lead.history.all(), excluded=HISTORY_EXCLUDED),
    }


class LeadEditMixin:
    model = Lead
    form_class = LeadForm
    template_name = "screening/leads/lead_form.html"
    select_related = ("unit", "institution")

    def save(self, form):
        return services.save_lead(user=self.request.user, lead=form.instance)

    def get_success_url(self):
        return reverse("screening:lead_detail", args=[self.object.pk])


class LeadCreateView(OutboxCreateMixin, LeadEditMixin, ObjectCreateView):
    def record(self, form):
        return services.record_lead(
            user=self.request.user, lead=form.instance, client_id=self.client_id()
        )


class LeadUpdateView(LeadEditMixin, ObjectUpdateView):
    pass


def put_errors(form, exc: ValidationError):
    """A service's errors on the form's own fields where it has them, else on the form."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


class LeadStepView(PermissionRequiredMixin, View):
    """POST only. Another township's lead is not found (404) before anything is read."""

    permission = "can_edit_registry"

    def get_lead(self, request, pk):
        return get_object_or_404(
            Lead.objects.visible_to(request.user).select_related("unit", "institution"), pk=pk
        )

    def invalid(self, request, lead, **forms):
        messages.error(request, _("The step was not recorded: see the errors below."))
        return render(
            request, "screening/leads/lead_detail.html", detail_context(request, lead, **forms)
        )


class LeadAdvanceView(LeadStepView):
    """Moves the lead one step on: verify, handle or feed back, by its current status."""

    def post(self, request, pk):
        lead = self.get_lead(request, pk)
        form_class = STEP_FORMS.get(lead.status)
        if form_class is None:
            messages.info(request, _("This lead has already been fed back."))
            return redirect("screening:lead_detail", pk=lead.pk)
        form = form_class(request.POST, lead=lead, user=request.user)
        if not form.is_valid():
            return self.invalid(request, lead, step_form=form)
        data = form.cleaned_data
        try:
            if lead.status == LeadStatus.RECEIVED:
                services.verify_lead(
                    user=request.user,
                    lead=lead,
                    is_fraud_related=data["is_fraud_related"],
                    verified_on=data["verified_on"],
                    institution=data.get("institution"),
                    note=data.get("note", ""),
                )
            elif lead.status == LeadStatus.VERIFIED:
                services.handle_lead(
                    user=request.user,
                    lead=lead,
                    result=data["result"],
                    handled_on=data["handled_on"],
                )
            else:
                services.feed_back_lead(
                    user=request.user,
                    lead=lead,
                    fed_back_on=data["fed_back_on"],
                    note=data.get("note", ""),
                )
        except ValidationError as exc:
            lead.refresh_from_db()
            put_errors(form, exc)
            return self.invalid(request, lead, step_form=form)
        messages.success(
            request,
            _("Recorded: the lead is now %(status)s.") % {"status": lead.get_status_display()},
        )
        return redirect("screening:lead_detail", pk=lead.pk)


class LeadReportView(LeadStepView):
    """Records the date the handling was reported to the county (报送线索办理情况)."""

    def post(self, request, pk):
        lead = self.get_lead(request, pk)
        form = ReportForm(request.POST, lead=lead, user=request.user)
        if not form.is_valid():
            return self.invalid(request, lead, report_form=form)
        try:
            services.report_lead_to_county(
                user=request.user, lead=lead, reported_on=form.cleaned_data["reported_on"]
            )
        except ValidationError as exc:
            lead.refresh_from_db()
            put_errors(form, exc)
            return self.invalid(request, lead, report_form=form)
        messages.success(request, _("Saved."))
        return redirect("screening:lead_detail", pk=lead.pk)


class LeadGroundlessView(LeadStepView):
    """Records that a verified lead was found groundless (查无实据), with the reason."""

    def post(self, request, pk):
        lead = self.get_lead(request, pk)
        form = GroundlessForm(request.POST, lead=lead, user=request.user)
        if not form.is_valid():
            return self.invalid(request, lead, groundless_form=form)
        try:
            services.find_lead_groundless(
                user=request.user,
                lead=lead,
                found_on=form.cleaned_data["groundless_on"],
                reason=form.cleaned_data["groundless_reason"],
            )
        except ValidationError as exc:
            lead.refresh_from_db()
            put_errors(form, exc)
            return self.invalid(request, lead, groundless_form=form)
        messages.success(
            request,
            _("Recorded: the lead no longer counts as a complaint against the institution."),
        )
        return redirect("screening:lead_detail", pk=lead.pk)


class LeadKeyView(View):
    """POST only: the county section marks a lead 重点 (攻坚行动) or no longer. Another unit's
    lead is not found (404) before the role is asked (403)."""

    http_method_names = ["post"]

    def post(self, request, pk):
        lead = get_object_or_404(Lead.objects.visible_to(request.user), pk=pk)
        if not request.user.can_review:
            raise PermissionDenied(_("Only the county section marks key leads."))
        form = KeyForm(request.POST)
        if form.is_valid():
            services.mark_key_lead(user=request.user, lead=lead, **form.cleaned_data)
            messages.success(request, _("Saved."))
        else:
            messages.error(request, _("Nothing was changed."))
        return redirect("screening:lead_detail", pk=lead.pk)


urlpatterns = [
    path("leads/", LeadListView.as_view(), name="lead_list"),
    path("leads/export/", LeadListView.as_view(export=True), name="lead_list_export"),
    path("leads/new/", LeadCreateView.as_view(), name="lead_create"),
    path("leads/<int:pk>/", LeadDetailView.as_view(), name="lead_detail"),
    path("leads/<int:pk>/edit/", LeadUpdateView.as_view(), name="lead_update"),
    path("leads/<int:pk>/advance/", LeadAdvanceView.as_view(), name="lead_advance"),
    path("leads/<int:pk>/report/", LeadReportView.as_view(), name="lead_report"),
    path("leads/<int:pk>/key/", LeadKeyView.as_view(), name="lead_key"),
    path("leads/<int:pk>/groundless/", LeadGroundlessView.as_view(), name="lead_groundless"),
]


class LeadHandlingView(View):
    """报送线索办理情况: the leads of a period by township and source, as a page and .xlsx."""

    def get(self, request):
        today = timezone.localdate()
        periods = handling_periods(today)
        first, last = periods[0][1], periods[0][2]
        try:
            if request.GET.get("from"):
                first = date.fromisoformat(request.GET["from"])
            if request.GET.get("to"):
                last = date.fromisoformat(request.GET["to"])
        except ValueError:
            messages.error(request, _("Give the dates as YYYY-MM-DD."))
        if last < first:
            first, last = last, first
        report = lead_handling(request.user, first, last)
        if request.GET.get("format") == "xlsx":
            response = HttpResponse(lead_handling_workbook(report, request.user), content_type=XLSX)
            response["Content-Disposition"] = content_disposition_header(
                as_attachment=True, filename=f"线索办理情况-{first}至{last}.xlsx"
            )
            return response
        return render(
            request,
            "screening/leads/lead_handling.html",
            {
                "title": _("Handling of leads"),
                "report": report,
                "sources": SOURCES,
                "stages": STAGES,
                "periods": periods,
                "query": urlencode({"from": first.isoformat(), "to": last.isoformat()}),
            },
        )


def handling_periods(today: date) -> list[tuple[str, date, date]]:
    """The periods a clerk reports for: this month, last month, this week, last week."""
    month_start = today.replace(day=1)
    last_month_end = month_start - timedelta(days=1)
    week_start = today - timedelta(days=today.weekday())
    return [
        (_("This month"), month_start, today),
        (_("Last month"), last_month_end.replace(day=1), last_month_end),
        (_("This week"), week_start, today),
        (_("Last week"), week_start - timedelta(days=7), week_start - timedelta(days=1)),
    ]


urlpatterns.append(path("leads/handling/", LeadHandlingView.as_view(), name="lead_handling"))
