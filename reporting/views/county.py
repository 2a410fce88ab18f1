"""The county's own weekly report and monthly summary (区县方案: 周报送、月调度): the page that
compiles the period, the county section's form, and the .docx.

County-level users only: a township gets 403. The county is named in the URL and found
through ``OrgUnit.visible_to``, so another county's report is not found (404) and a city
reads those of its counties.
"""

from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views import View

from accounts.models import OrgUnit, UnitLevel
from core import clock
from core.concurrency import add_version_field

from .. import services
from ..briefing import DOCX, month_docx, month_title, week_docx, week_title
from ..choices import REVIEW_STYLES, ReviewState
from ..forms import CountyReportForm, ReviewReasonForm
from ..models import SUMMARY_MAX_CHARS, CountyReport
from ..periods import ReportingMonth, ReportingWeek, current_week
from ..selectors.county import compile_month, compile_week


class CountyReportsView(View):
    """The menu's entry: a county's users go to the report of the week last due (the
    townships report by Tuesday 17:00, then the county compiles); a city or province user
    picks a county."""

    def get(self, request):
        if not request.user.is_county_level:
            raise PermissionDenied(_("Only county-level units compile this report."))
        week = current_week(clock.now()).previous()
        counties = list(
            OrgUnit.objects.visible_to(request.user)
            .filter(level=UnitLevel.COUNTY)
            .order_by("code", "name")
        )
        if len(counties) == 1:
            return redirect("reporting:county_weekly", counties[0].pk, week.year, week.week)
        context = {
            "counties": counties,
            "week": week,
            "month": ReportingMonth.of_week(week),
        }
        return render(request, "reporting/county_reports.html", context)


# A county's report is reviewed by the unit above (the states of ``ReviewState``, named
# for that unit).
COUNTY_REVIEW_LABELS = {
    ReviewState.DRAFT: _("Draft"),
    ReviewState.AWAITING: _("Awaiting the review of the unit above"),
    ReviewState.ACCEPTED: _("Accepted by the unit above"),
    ReviewState.RETURNED: _("Returned by the unit above"),
}


class CountyPeriodMixin:
    """The county of the URL (404 outside the user's subtree) and the period (404 before it
    starts); 403 for a township's users."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_county_level:
            raise PermissionDenied(_("Only county-level units compile this report."))
        self.unit = get_object_or_404(
            OrgUnit.objects.visible_to(request.user).filter(level=UnitLevel.COUNTY),
            pk=kwargs["unit"],
        )
        self.now = clock.now()
        try:
            self.period = self.get_period(kwargs)
        except ValueError as exc:
            raise Http404(_("No such period.")) from exc
        if not self.period.has_started(self.now):
            raise Http404(_("This period has not started yet."))
        return super().dispatch(request, *args, **kwargs)

    def can_write(self, report) -> bool:
        user = self.request.user
        return (
            user.can_review
            and (user.is_superuser or user.unit_id == self.unit.pk)
            and (report is None or not report.is_submitted)
        )


class CountyReportPage(CountyPeriodMixin, View):
    """GET: the compiled period and the county's form; POST: save the draft or submit."""

    template_name = ""

    def compile(self):
        raise NotImplementedError

    def page(self, request, compiled, form=None):
        report = compiled.report
        if form is None and self.can_write(report):
            form = add_version_field(self.form(report))
        user = request.user
        context = {
            "compiled": compiled,
            "unit": self.unit,
            "bureau": self.unit.bureau_name,
            "report": report,
            "form": form,
            "max_chars": SUMMARY_MAX_CHARS,
        }
        if report is not None:
            context.update(
                review_state=ReviewState(report.review_state),
                review_label=COUNTY_REVIEW_LABELS[report.review_state],
                review_style=REVIEW_STYLES[report.review_state],
                # The unit above accepts or returns a submitted report, reopens an accepted
                # one; the county withdraws its submission until the unit above acts.
                can_accept=services.county_review_refused(user, report) is None
                and report.is_submitted
                and not report.is_accepted,
                can_reopen=services.county_review_refused(user, report) is None
                and report.is_accepted,
                can_withdraw=services.county_withdrawal_refused(user, report) is None,
                reason_form=ReviewReasonForm(),
            )
        context.update(self.extra_context())
        return render(request, self.template_name, context)

    def form(self, report, data=None):
        return CountyReportForm(data, instance=report or CountyReport(unit=self.unit))

    def get(self, request, **kwargs):
        return self.page(request, self.compile())

    # One transaction: the report's version is checked (optimistic lock) and the report saved.
    @transaction.atomic
    def post(self, request, **kwargs):
        compiled = self.compile()
        if not self.can_write(compiled.report):
            raise PermissionDenied(_("Only the county section of this county writes its report."))
        form = add_version_field(self.form(compiled.report, request.POST))
        submit = request.POST.get("action") == "submit"
        if form.is_valid():
            try:
                services.save_county_report(
                    user=request.user,
                    unit=self.unit,
                    period=self.period,
                    summary=form.cleaned_data["summary"],
                    sections=form.sections,
                    submit=submit,
                    now=self.now,
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Submitted.") if submit else _("Draft saved."))
                return redirect(request.path)
        return self.page(request, compiled, form)

    def extra_context(self) -> dict:
        return {}


class CountyWeeklyView(CountyReportPage):
    template_name = "reporting/county_weekly.html"

    def get_period(self, kwargs):
        return ReportingWeek(kwargs["year"], kwargs["week"])

    def compile(self):
        return compile_week(self.request.user, self.unit, self.period)

    def extra_context(self):
        week = self.period
        return {
            "title": week_title(self.unit, week),
            "week": week,
            "month": ReportingMonth.of_week(week),
            "previous": week.previous(),
            "next": week.next() if week.next().has_started(self.now) else None,
        }


class CountyMonthlyView(CountyReportPage):
    template_name = "reporting/county_monthly.html"

    def get_period(self, kwargs):
        return ReportingMonth(kwargs["year"], kwargs["month"])

    def compile(self):
        return compile_month(self.request.user, self.unit, self.period)

    def extra_context(self):
        month = self.period
        return {
            "title": month_title(self.unit, month),
            "month": month,
            "previous": month.previous(),
            "next": month.next() if month.next().has_started(self.now) else None,
        }


def docx_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=DOCX)
    response["Content-Disposition"] = (
        f"attachment; filename=\"county_report.docx\"; filename*=UTF-8''{quote(filename)}"
    )
    return response


class CountyWeeklyDocxView(CountyPeriodMixin, View):
    def get_period(self, kwargs):
        return ReportingWeek(kwargs["year"], kwargs["week"])

    def get(self, request, **kwargs):
        compiled = compile_week(request.user, self.unit, self.period)
        title = week_title(self.unit, self.period)
        return docx_response(week_docx(compiled), f"{title}.docx")


class CountyMonthlyDocxView(CountyPeriodMixin, View):
    def get_period(self, kwargs):
        return ReportingMonth(kwargs["year"], kwargs["month"])

    def get(self, request, **kwargs):
        compiled = compile_month(request.user, self.unit, self.period)
        title = month_title(self.unit, self.period)
        return docx_response(month_docx(compiled), f"{title}.docx")


COUNTY_ACTIONS = {
    "accept": (services.accept_county_report, _("The county's report has been accepted.")),
    "return": (
        services.return_county_report,
        _("The report has been returned to the county."),
    ),
    "reopen": (
        services.reopen_county_report,
        _("The report has been reopened for the county."),
    ),
    "withdraw": (
        services.withdraw_county_report,
        _("The report has been withdrawn: it is a draft again. Submit it again."),
    ),
}


class CountyReportActionView(View):
    """POST: the unit above accepts, returns (with a reason) or reopens (with a reason) a
    county's submitted report; the county withdraws it. Another city's county: 404."""

    def post(self, request, pk, action):
        if not request.user.is_county_level:
            raise PermissionDenied(_("Only county-level units compile this report."))
        report = get_object_or_404(
            CountyReport.objects.visible_to(request.user).select_related("unit"), pk=pk
        )
        if action == "withdraw":
            refused = services.county_withdrawal_refused(request.user, report)
            if not request.user.can_review or (
                not request.user.is_superuser and request.user.unit_id != report.unit_id
            ):
                raise PermissionDenied(refused)
        else:
            refused = services.county_review_refused(request.user, report)
            if refused:
                raise PermissionDenied(refused)
        service, done = COUNTY_ACTIONS[action]
        kwargs = {}
        if action in ("return", "reopen"):
            form = ReviewReasonForm(request.POST)
            kwargs["reason"] = form.cleaned_data["reason"] if form.is_valid() else ""
        try:
            service(user=request.user, report=report, **kwargs)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, done)
        return redirect(report)
