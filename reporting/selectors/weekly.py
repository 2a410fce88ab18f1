"""The weekly report's deadline states (区县方案: 每周二下午17时前报送): which township a user
reports for, each township's state for a week, one township's recent weeks, and the Tuesday
reminder. A constant number of queries whatever the number of townships."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import models
from django.utils.translation import gettext_lazy

from accounts.models import OrgUnit
from accounts.selectors import visible_townships
from core import clock

from ..choices import REVIEW_STYLES, ReviewState, WeeklyStatus
from ..models import WeeklyReminder, WeeklyReport
from ..periods import ReportingWeek, current_week, recent_weeks


def reporting_township(user) -> OrgUnit | None:
    """The township whose weekly report ``user`` writes (None for county-level users)."""
    if user.unit_id is None:
        return None
    return user.unit.township


class SubmissionState(models.TextChoices):
    ON_TIME = "on_time", gettext_lazy("Submitted on time")
    LATE = "late", gettext_lazy("Submitted late")
    MISSING = "missing", gettext_lazy("Not submitted by the deadline")
    NOT_DUE = "not_due", gettext_lazy("Not yet due")


STATE_STYLES = {
    SubmissionState.ON_TIME: "text-bg-success",
    SubmissionState.LATE: "text-bg-warning",
    SubmissionState.MISSING: "text-bg-danger",
    SubmissionState.NOT_DUE: "text-bg-secondary",
}


def submission_state(report: WeeklyReport | None, week: ReportingWeek, now: datetime):
    if report is not None and report.is_submitted:
        return SubmissionState.LATE if report.is_late else SubmissionState.ON_TIME
    return SubmissionState.MISSING if week.is_due(now) else SubmissionState.NOT_DUE


@dataclass
class WeekStatus:
    township: OrgUnit
    week: ReportingWeek
    report: WeeklyReport | None
    state: str

    @property
    def style(self) -> str:
        return STATE_STYLES[self.state]

    @property
    def state_label(self):
        return SubmissionState(self.state).label

    reminders: list = None

    @property
    def is_draft(self) -> bool:
        return self.report is not None and not self.report.is_submitted

    @property
    def review_state(self):
        return ReviewState(self.report.review_state) if self.report is not None else None

    @property
    def review_style(self) -> str:
        return REVIEW_STYLES[self.review_state] if self.report is not None else ""


def week_statuses(user, week: ReportingWeek, now: datetime | None = None) -> list[WeekStatus]:
    """Every visible township's state for ``week`` (the county's view) with the reminders sent;
    three queries."""
    now = now or clock.now()
    townships = visible_townships(user)
    reports = {
        r.township_id: r
        for r in WeeklyReport.objects.visible_to(user)
        .for_week(week.year, week.week)
        .filter(township__in=townships)
        .select_related("submitted_by")
    }
    reminders = reminders_by_township(user, week)
    return [
        WeekStatus(
            t,
            week,
            reports.get(t.pk),
            submission_state(reports.get(t.pk), week, now),
            reminders.get(t.pk, []),
        )
        for t in townships
    ]


def township_weeks(
    user, township: OrgUnit, now: datetime | None = None, count: int = 12
) -> list[WeekStatus]:
    """One township's recent weeks, newest first, with their states; one query."""
    now = now or clock.now()
    weeks = recent_weeks(now, count)
    oldest = weeks[-1]
    reports = {
        (r.year, r.week): r
        for r in WeeklyReport.objects.visible_to(user)
        .filter(township=township, year__gte=oldest.year)
        .select_related("submitted_by")
    }
    result = []
    for week in weeks:
        report = reports.get((week.year, week.week))
        result.append(WeekStatus(township, week, report, submission_state(report, week, now)))
    return result


def reminder_week(user, now: datetime | None = None) -> ReportingWeek | None:
    """The week to remind ``user``'s township of: on Tuesday from 00:00 to the deadline,
    when the township has not submitted yet (区县方案: 每周二下午17时前报送)."""
    if not user.is_authenticated or not user.can_edit_registry:
        return None
    township = reporting_township(user)
    if township is None:
        return None
    now = now or clock.now()
    week = current_week(now)
    if not (week.reminder_from <= now <= week.deadline):
        return None
    submitted = WeeklyReport.objects.filter(
        township=township, year=week.year, week=week.week, status=WeeklyStatus.SUBMITTED
    ).exists()
    return None if submitted else week


# --- the county's review and reminders, as the township sees them ----------------------------


@dataclass
class Reminder:
    """A 催报 with whether the week it asks for has been submitted since."""

    reminder: WeeklyReminder
    submitted: bool


@dataclass
class Notices:
    returned: list[WeeklyReport]  # sent back by the county, not yet submitted again
    reminders: list[Reminder]  # every reminder, newest first

    @property
    def open_reminders(self) -> list[Reminder]:
        return [r for r in self.reminders if not r.submitted]


def notices(user, limit: int = 50) -> Notices:
    """What the county section sent the user's unit: returned reports still open and the
    reminders to report (a township: its own; the county: those it sent). Two queries."""
    reports = WeeklyReport.objects.visible_to(user)
    returned = list(
        reports.filter(status=WeeklyStatus.DRAFT)
        .exclude(return_reason="")
        .select_related("township", "returned_by")
        .order_by("-returned_at")
    )
    reminders = list(
        WeeklyReminder.objects.visible_to(user).select_related("township", "created_by")[:limit]
    )
    weeks = {(r.township_id, r.year, r.week) for r in reminders}
    submitted = set()
    if weeks:
        submitted = set(
            reports.filter(
                status=WeeklyStatus.SUBMITTED,
                township_id__in={t for t, _y, _w in weeks},
                year__in={y for _t, y, _w in weeks},
            ).values_list("township_id", "year", "week")
        )
    return Notices(
        returned=returned,
        reminders=[Reminder(r, (r.township_id, r.year, r.week) in submitted) for r in reminders],
    )


def reminders_by_township(user, week: ReportingWeek) -> dict[int, list[WeeklyReminder]]:
    """The reminders of ``week`` per township (the county's weekly page); one query."""
    found: dict[int, list[WeeklyReminder]] = {}
    for reminder in (
        WeeklyReminder.objects.visible_to(user)
        .filter(year=week.year, week=week.week)
        .select_related("created_by")
    ):
        found.setdefault(reminder.township_id, []).append(reminder)
    return found
