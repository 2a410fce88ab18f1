"""Writes of publicity and the weekly report (its deadline states are read in
``selectors/weekly.py``).

Each write owns its transaction, checks the role and the unit, validates, and names the
user in the history. Nothing here is ever deleted by a township.
"""

from __future__ import annotations

import unicodedata
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import OrgUnit, path_ids
from core import clock

from .choices import RunStatus, WeeklyStatus
from .figures import frozen_results
from .models import NARRATIVE_FIELDS, PublicityActivity, ReportRun, WeeklyReport
from .periods import ReportingWeek
from .selectors import publicity_table
from .selectors.weekly import reporting_township


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


def counted_in_pack(report: WeeklyReport) -> bool:
    """The county has acted on the submitted report: a pack of its week was built, for the
    township's county (or a unit above it), after the report was submitted."""
    if not report.is_submitted or report.submitted_at is None:
        return False
    return ReportRun.objects.filter(
        unit_id__in=path_ids(report.township.path),
        year=report.year,
        week=report.week,
        status=RunStatus.DONE,
        finished_at__gte=report.submitted_at,
    ).exists()


@transaction.atomic
def withdraw_weekly_report(*, user, report: WeeklyReport) -> WeeklyReport:
    """The township takes back its submitted report while the county has not counted it in
    the week's pack: the report is a draft again, to be corrected and submitted again (a
    report submitted again after the deadline is late)."""
    _require_editor(user)
    if reporting_township(user) != report.township:
        raise PermissionDenied(_("Only the township that submitted the report withdraws it."))
    report = WeeklyReport.objects.select_for_update().get(pk=report.pk)
    if not report.is_submitted:
        raise ValidationError(_("Only a submitted report can be withdrawn."))
    if counted_in_pack(report):
        raise ValidationError(
            _(
                "The county section has already counted this report in the week's pack: "
                "it can no longer be withdrawn. Tell the county section what to correct."
            )
        )
    report.status = WeeklyStatus.DRAFT
    report.submitted_at = None
    report.submitted_by = None
    report.publicity_figures = {}
    report.result_figures = {}
    report._history_user = user
    report._change_reason = _("Withdrawn by the township")
    report.save()
    return report
