"""Writes of publicity and the weekly report, and the weekly report's deadline states.

Each write owns its transaction, checks the role and the unit, validates, and names the
user in the history. Nothing here is ever deleted by a township.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import OrgUnit
from accounts.selectors import visible_townships
from core import clock

from .figures import frozen_results
from .models import NARRATIVE_FIELDS, PublicityActivity, WeeklyReport, WeeklyStatus
from .periods import ReportingWeek, current_week, recent_weeks
from .selectors import publicity_table


def _require_editor(user):
    if not user.can_edit_registry:
        raise PermissionDenied(_("Your role does not allow this."))


def _require_unit(user, unit: OrgUnit):
    if not OrgUnit.objects.visible_to(user).filter(pk=unit.pk).exists():
        raise PermissionDenied(_("This township is outside your unit."))


# --- publicity ---------------------------------------------------------------------------------


@transaction.atomic
def save_publicity(*, user, activity: PublicityActivity) -> PublicityActivity:
    """Create or update a publicity activity of a township in the user's unit."""
    _require_editor(user)
    if activity.township_id:
        _require_unit(user, activity.township)
    activity.full_clean()
    if activity.pk is None:
        activity.created_by = user
    activity._history_user = user
    activity.save()
    return activity


# --- the weekly report -------------------------------------------------------------------------


def reporting_township(user) -> OrgUnit | None:
    """The township whose weekly report ``user`` writes (None for county-level users)."""
    if user.unit_id is None:
        return None
    return user.unit.township


def normalise_summary(text: str) -> str:
    return unicodedata.normalize("NFC", text or "").strip()


@transaction.atomic
def save_weekly_report(
    *,
    user,
    week: ReportingWeek,
    summary: str,
    results: dict,
    submit: bool = False,
    now: datetime | None = None,
    narrative: dict | None = None,
) -> WeeklyReport:
    """Save the user's township's report of ``week`` as a draft, or submit it.

    A submitted report is final, its optional texts (``narrative``: good practices and
    typical cases, difficulties and suggestions; a text not given stays as it is) with it.
    Submitting freezes the week's publicity figures into the report; ``submitted_at`` is
    ``now``, so a report submitted after the deadline is late.
    """
    now = now or clock.now()
    _require_editor(user)
    township = reporting_township(user)
    if township is None:
        raise PermissionDenied(_("Only a township or street submits the weekly report."))
    if not week.has_started(now):
        raise ValidationError(_("This week has not started yet."))
    report = (
        WeeklyReport.objects.select_for_update()
        .filter(township=township, year=week.year, week=week.week)
        .first()
    ) or WeeklyReport(township=township, year=week.year, week=week.week, created_by=user)
    if report.is_submitted:
        raise ValidationError(_("This week's report has already been submitted."))
    report.summary = normalise_summary(summary)
    for name in NARRATIVE_FIELDS:
        if narrative is not None and name in narrative:
            setattr(report, name, normalise_summary(narrative[name]))
    for name, value in results.items():
        setattr(report, name, value)
    if submit:
        if not report.summary:
            raise ValidationError({"summary": _("Write this week's work before submitting.")})
        report.status = WeeklyStatus.SUBMITTED
        report.submitted_at = now
        report.submitted_by = user
        figures = publicity_table(user, week.first_day, week.last_day, townships=[township])
        report.publicity_figures = figures.rows[0].as_dict()
        report.result_figures = frozen_results(township, week, user)
    report.full_clean()
    report._history_user = user
    report.save()
    return report


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

    @property
    def is_draft(self) -> bool:
        return self.report is not None and not self.report.is_submitted


def week_statuses(user, week: ReportingWeek, now: datetime | None = None) -> list[WeekStatus]:
    """Every visible township's state for ``week`` (the county's view); two queries."""
    now = now or clock.now()
    townships = visible_townships(user)
    reports = {
        r.township_id: r
        for r in WeeklyReport.objects.visible_to(user)
        .for_week(week.year, week.week)
        .filter(township__in=townships)
        .select_related("submitted_by")
    }
    return [
        WeekStatus(t, week, reports.get(t.pk), submission_state(reports.get(t.pk), week, now))
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
