from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views import View

from accounts.models import OrgUnit, UnitLevel
from core import clock
from core.concurrency import add_version_field
from core.exports import export_url, xlsx_response
from core.history import history_entries
from core.views import ObjectDetailView

from .. import services
from ..choices import REVIEW_STYLES, ReviewState
from ..exports import WEEKLY_TABLE
from ..figures import publicity_values, result_values
from ..forms import ReviewReasonForm, WeeklyReportForm
from ..models import SUMMARY_MAX_CHARS, WeeklyReport
from ..periods import ReportingWeek, current_week
from ..selectors import PublicityFigures, publicity_table, weekly
from .common import HISTORY_EXCLUDED, week_from_param


class WeeklyListView(View):
    """The county: every township's state for one week. A township: its own recent weeks.
    With ``export``, the same rows with the reports' texts, as .xlsx."""

    export = False

    def get(self, request):
        now = clock.now()
        township = weekly.reporting_township(request.user)
        context = {
            "now": now,
            "current": current_week(now),
            "reminder": weekly.reminder_week(request.user, now),
        }
        if township is not None:
            context.update(
                township=township,
                statuses=weekly.township_weeks(request.user, township, now),
                can_write=request.user.can_edit_registry,
            )
            name = f"{township.name}周报"
        else:
            week = week_from_param(request.GET.get("week"), now)
            statuses = weekly.week_statuses(request.user, week, now)
            counts = {}
            for status in statuses:
                counts[status.state] = counts.get(status.state, 0) + 1
            context.update(
                week=week,
                statuses=statuses,
                counts=[
                    (state, counts.get(state, 0), weekly.STATE_STYLES[state])
                    for state in weekly.SubmissionState
                ],
                previous_week=week.previous(),
                can_remind=request.user.can_review and week.has_started(now),
                next_week=week.next(),
                compile_url=county_report_url(request.user, week, now),
            )
            name = f"乡镇周报-{week.label}"
        if self.export:
            return xlsx_response(WEEKLY_TABLE, context["statuses"], name=name, user=request.user)
        context["export_url"] = export_url(request)
        return render(request, "reporting/weekly_list.html", context)


def county_report_url(user, week: ReportingWeek, now) -> str:
    """The county's own report of ``week`` (a county's users), compiled from these reports."""
    unit = user.unit if user.unit_id else None
    if unit is None or unit.level != UnitLevel.COUNTY or not week.has_started(now):
        return ""
    return reverse("reporting:county_weekly", args=[unit.pk, week.year, week.week])


class WeeklyEditView(View):
    """Township staff write the week's report as a draft and submit it before Tuesday 17:00."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.can_edit_registry:
            raise PermissionDenied(_("Your role does not allow this."))
        self.township = weekly.reporting_township(request.user)
        if self.township is None:
            raise PermissionDenied(_("Only a township or street submits the weekly report."))
        try:
            self.week = ReportingWeek(kwargs["year"], kwargs["week"])
        except ValueError as exc:
            raise Http404(_("No such week.")) from exc
        self.now = clock.now()
        if not self.week.has_started(self.now):
            raise Http404(_("This week has not started yet."))
        self.report = (
            WeeklyReport.objects.visible_to(request.user)
            .filter(township=self.township, year=self.week.year, week=self.week.week)
            .first()
        )
        if self.report is not None and self.report.is_submitted:
            messages.info(request, _("This week's report has already been submitted."))
            return redirect(self.report)
        return super().dispatch(request, *args, **kwargs)

    def form(self, data=None):
        # The week too: the form shows the results counted for this township and week.
        new = WeeklyReport(township=self.township, year=self.week.year, week=self.week.week)
        return WeeklyReportForm(data, instance=self.report or new, user=self.request.user)

    def get(self, request, year, week):
        return self.page(request, add_version_field(self.form()))

    # One transaction: the draft's version is checked (optimistic lock) and the report saved.
    @transaction.atomic
    def post(self, request, year, week):
        form = add_version_field(self.form(request.POST))
        submit = request.POST.get("action") == "submit"
        if form.is_valid():
            try:
                report = services.save_weekly_report(
                    user=request.user,
                    week=self.week,
                    summary=form.cleaned_data["summary"],
                    results=form.results,
                    narrative=form.narrative,
                    submit=submit,
                    now=self.now,
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                if submit:
                    messages.success(request, _("Submitted."))
                    return redirect(report)
                messages.success(request, _("Draft saved."))
                return redirect("reporting:weekly_edit", year=self.week.year, week=self.week.week)
        return self.page(request, form, status=200)

    def page(self, request, form, status=200):
        figures = publicity_table(
            request.user, self.week.first_day, self.week.last_day, townships=[self.township]
        ).rows[0]
        context = {
            "form": form,
            "week": self.week,
            "township": self.township,
            "report": self.report,
            "publicity": publicity_values(figures),
            "max_chars": SUMMARY_MAX_CHARS,
            "is_late": self.week.is_due(self.now),
            "reminder": weekly.reminder_week(request.user, self.now),
        }
        return render(request, "reporting/weekly_form.html", context, status=status)


class WeeklyWithdrawView(View):
    """POST: the township takes back its submitted report (see ``withdraw_weekly_report``)."""

    def post(self, request, pk):
        report = get_object_or_404(WeeklyReport.objects.visible_to(request.user), pk=pk)
        try:
            report = services.withdraw_weekly_report(user=request.user, report=report)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
            return redirect(report)
        messages.success(
            request, _("The report has been withdrawn: it is a draft again. Submit it again.")
        )
        return redirect("reporting:weekly_edit", year=report.year, week=report.week)


REVIEW_ACTIONS = {
    "accept": (services.accept_weekly_report, _("The report has been accepted.")),
    "return": (services.return_weekly_report, _("The report has been returned to the township.")),
    "reopen": (services.reopen_weekly_report, _("The report has been reopened for the township.")),
}


class WeeklyReviewView(View):
    """POST: the county section accepts, returns (with a reason) or reopens (with a reason)
    a township's report. Another county's report is not found."""

    def post(self, request, pk, action):
        if not request.user.can_review:
            raise PermissionDenied(_("Only the county section reviews weekly reports."))
        report = get_object_or_404(WeeklyReport.objects.visible_to(request.user), pk=pk)
        service, done = REVIEW_ACTIONS[action]
        kwargs = {}
        if action != "accept":
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


class WeeklyRemindView(View):
    """POST: 催报 — the county section reminds every township of its unit that has not
    submitted the week's report, or one of them (``township``)."""

    def post(self, request):
        if not request.user.can_review:
            raise PermissionDenied(_("Only the county section sends reminders."))
        now = clock.now()
        week = week_from_param(request.POST.get("week"), now)
        township = None
        if request.POST.get("township"):
            township = get_object_or_404(
                OrgUnit.objects.visible_to(request.user).townships(),
                pk=request.POST["township"] if request.POST["township"].isdigit() else 0,
            )
        try:
            sent = services.send_reminders(user=request.user, week=week, township=township)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            if sent:
                messages.success(
                    request,
                    ngettext(
                        "Reminder sent to %(count)d township.",
                        "Reminders sent to %(count)d townships.",
                        len(sent),
                    )
                    % {"count": len(sent)},
                )
            else:
                messages.info(request, _("Every township has submitted: no reminder sent."))
        return redirect(f"{reverse('reporting:weekly_list')}?week={week.label}")


class NoticeListView(View):
    """The notification list: reminders to report and reports returned (a township: those
    sent to it; the county: those it sent)."""

    def get(self, request):
        return render(
            request,
            "reporting/notices.html",
            {"title": _("Notifications"), "notices": weekly.notices(request.user)},
        )


class WeeklyDetailView(ObjectDetailView):
    model = WeeklyReport
    select_related = ("township", "submitted_by")
    template_name = "reporting/weekly_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        report = self.object
        week = report.period
        now = clock.now()
        if report.is_submitted and report.publicity_figures:
            figures = PublicityFigures.from_dict(report.township, report.publicity_figures)
        else:
            figures = publicity_table(
                self.request.user, week.first_day, week.last_day, townships=[report.township]
            ).rows[0]
        state = weekly.submission_state(report, week, now)
        context.update(
            week=week,
            publicity=publicity_values(figures),
            frozen=report.is_submitted and bool(report.publicity_figures),
            results=result_values(report, self.request.user),
            state=weekly.SubmissionState(state),
            state_style=weekly.STATE_STYLES[state],
            can_write=(
                not report.is_submitted
                and self.request.user.can_edit_registry
                and weekly.reporting_township(self.request.user) == report.township
            ),
            can_withdraw=services.withdrawal_refused(self.request.user, report) is None,
            review_state=ReviewState(report.review_state),
            review_style=REVIEW_STYLES[report.review_state],
            # Accept or return a submitted report; reopen an accepted one.
            can_accept=self.request.user.can_review
            and report.is_submitted
            and not report.is_accepted,
            can_reopen=self.request.user.can_review and report.is_accepted,
            reason_form=ReviewReasonForm(),
            reminders=weekly.reminders_by_township(self.request.user, week).get(
                report.township_id, []
            ),
            history=history_entries(WeeklyReport, report.history.all(), HISTORY_EXCLUDED),
        )
        return context
