"""Writes of publicity and the weekly report (its deadline states are read in
``selectors/weekly.py``).

Each write owns its transaction, checks the role and the unit, validates, and names the
user in the history. Nothing here is ever deleted by a township.
"""

from __future__ import annotations

import unicodedata
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.models import OrgUnit, UnitLevel, path_ids
from accounts.selectors import visible_townships
from core import clock
from core.concurrency import conflict_with

from .choices import PeriodKind, RunStatus, WeeklyStatus
from .figures import frozen_results
from .models import (
    COUNTY_REPORT_FIELDS,
    NARRATIVE_FIELDS,
    CountyReport,
    PublicityActivity,
    ReportRun,
    WeeklyReminder,
    WeeklyReport,
)
from .periods import ReportingMonth, ReportingWeek
from .selectors import publicity_table
from .selectors.county import figures_of
from .selectors.weekly import reporting_township

HISTORY_REASON_LENGTH = 100  # simple-history's history_change_reason column


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
        report.return_reason = ""
        report.accepted_at = None
        report.accepted_by = None
        figures = publicity_table(user, week.first_day, week.last_day, townships=[township])
        report.publicity_figures = figures.rows[0].as_dict()
        report.result_figures = frozen_results(township, week, user)
    report._history_user = user
    if report.pk is not None:
        report.full_clean()
        report.save()
        return report
    # The week's first draft: two people may create it at the same moment. The unique
    # constraint lets one in; the other is told who was first, and nothing is overwritten.
    # (Its only constraint is that uniqueness: the database decides, not a racy SELECT.)
    report.full_clean(validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic():
            report.save()
    except IntegrityError:
        first = WeeklyReport.objects.filter(
            township=township, year=week.year, week=week.week
        ).first()
        raise conflict_with(WeeklyReport, first.pk if first else None) from None
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


def withdrawal_refused(user, report: WeeklyReport) -> str | None:
    """Why ``user`` may not withdraw ``report`` now (None: they may): the one rule the page's
    撤回 button and ``withdraw_weekly_report`` both follow."""
    if not user.can_edit_registry or reporting_township(user) != report.township:
        return _("Only the township that submitted the report withdraws it.")
    if not report.is_submitted:
        return _("Only a submitted report can be withdrawn.")
    if report.is_accepted:
        return _(
            "The county section has already accepted this report: it can no longer be "
            "withdrawn. Ask the county section to reopen it."
        )
    if counted_in_pack(report):
        return _(
            "The county section has already counted this report in the week's pack: "
            "it can no longer be withdrawn. Tell the county section what to correct."
        )
    return None


@transaction.atomic
def withdraw_weekly_report(*, user, report: WeeklyReport) -> WeeklyReport:
    """The township takes back its submitted report while the county has not acted on it
    (accepted it, or counted it in the week's pack): the report is a draft again, to be
    corrected and submitted again (a report submitted again after the deadline is late)."""
    _require_editor(user)
    if reporting_township(user) != report.township:
        raise PermissionDenied(_("Only the township that submitted the report withdraws it."))
    report = WeeklyReport.objects.select_for_update().get(pk=report.pk)
    refused = withdrawal_refused(user, report)
    if refused:
        raise ValidationError(refused)
    _back_to_draft(report)
    report._history_user = user
    report._change_reason = _("Withdrawn by the township")
    report.save()
    return report


def _back_to_draft(report: WeeklyReport) -> None:
    """The township has the report again: a draft whose figures count live until it is
    submitted again (a resubmission after the deadline is late)."""
    report.status = WeeklyStatus.DRAFT
    report.submitted_at = None
    report.submitted_by = None
    report.accepted_at = None
    report.accepted_by = None
    report.publicity_figures = {}
    report.result_figures = {}


# --- the county section's review and reminders (周报送) ---------------------------------------


def _require_reviewer(user, report: WeeklyReport | None = None) -> None:
    if not user.can_review:
        raise PermissionDenied(_("Only the county section reviews weekly reports."))
    if report is not None and not WeeklyReport.objects.visible_to(user).filter(pk=report.pk):
        raise PermissionDenied(_("This township is outside your unit."))


def _locked(report: WeeklyReport) -> WeeklyReport:
    return WeeklyReport.objects.select_for_update().select_related("township").get(pk=report.pk)


@transaction.atomic
def accept_weekly_report(*, user, report: WeeklyReport, now=None) -> WeeklyReport:
    """The county section accepts a submitted report: it is locked (no withdrawal) until the
    county reopens it."""
    _require_reviewer(user, report)
    report = _locked(report)
    if not report.is_submitted:
        raise ValidationError(_("Only a submitted report can be accepted."))
    if report.is_accepted:
        raise ValidationError(_("This report has already been accepted."))
    return _mark_accepted(report, user, now, _("Accepted by the county"))


def _mark_accepted(report, user, now, history):
    """Accepted (a township's report by the county, a county's by the unit above): locked
    until reopened; who and when on the report and in its history."""
    report.accepted_at = now or clock.now()
    report.accepted_by = user
    report._history_user = user
    report._change_reason = history
    report.save()
    return report


def _mark_returned(report, user, reason: str, now, history: str, *, missing: str, to_draft):
    """Returned or reopened with its reason (required, ``missing`` says so): a draft again
    (``to_draft``), the reason shown to its author until it submits again."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": missing})
    to_draft(report)
    report.return_reason = reason
    report.returned_at = now or clock.now()
    report.returned_by = user
    report._history_user = user
    report._change_reason = (history % {"reason": reason})[:HISTORY_REASON_LENGTH]
    report.save()
    return report


def _send_back(user, report: WeeklyReport, reason: str, now, history: str) -> WeeklyReport:
    return _mark_returned(
        report,
        user,
        reason,
        now,
        history,
        missing=_("Say why the report goes back to the township."),
        to_draft=_back_to_draft,
    )


@transaction.atomic
def return_weekly_report(*, user, report: WeeklyReport, reason: str, now=None) -> WeeklyReport:
    """The county section returns a submitted report with a reason (required): the township
    has it again as a draft, with the reason on its home page until it submits again."""
    _require_reviewer(user, report)
    report = _locked(report)
    if not report.is_submitted or report.is_accepted:
        raise ValidationError(
            _("Only a submitted report not yet accepted can be returned; reopen an accepted one.")
        )
    return _send_back(user, report, reason, now, _("Returned: %(reason)s"))


@transaction.atomic
def reopen_weekly_report(*, user, report: WeeklyReport, reason: str, now=None) -> WeeklyReport:
    """The county section reopens an accepted report, with a reason (audited): it goes back
    to the township as a draft, like a returned one."""
    _require_reviewer(user, report)
    report = _locked(report)
    if not report.is_accepted:
        raise ValidationError(_("Only an accepted report can be reopened."))
    return _send_back(user, report, reason, now, _("Reopened: %(reason)s"))


def townships_to_remind(user, week: ReportingWeek) -> list[OrgUnit]:
    """The user's townships whose report of ``week`` is not submitted."""
    submitted = WeeklyReport.objects.visible_to(user).filter(
        year=week.year, week=week.week, status=WeeklyStatus.SUBMITTED
    )
    done = set(submitted.values_list("township_id", flat=True))
    return [t for t in visible_townships(user) if t.pk not in done]


@transaction.atomic
def send_reminders(
    *, user, week: ReportingWeek, township: OrgUnit | None = None, now=None
) -> list[WeeklyReminder]:
    """催报: remind every township of the user's unit that has not submitted ``week`` (or
    only ``township``). One row per township reminded; a township that has submitted is not
    reminded."""
    _require_reviewer(user)
    now = now or clock.now()
    if not week.has_started(now):
        raise ValidationError(_("This week has not started yet."))
    townships = townships_to_remind(user, week)
    if township is not None:
        townships = [t for t in townships if t.pk == township.pk]
    reminders = [
        WeeklyReminder(
            township=t,
            year=week.year,
            week=week.week,
            scope_path=t.path,
            created_by=user,
        )
        for t in townships
    ]
    return WeeklyReminder.objects.bulk_create(reminders)


# --- the county's own report (周报送、月调度) ----------------------------------------------------


def _require_county_writer(user, unit: OrgUnit) -> None:
    """The county section writes its own county's report; leaders read it, townships never
    see it, and a city reads but does not write a county's report."""
    if not user.can_review:
        raise PermissionDenied(_("Only the county section writes the county's report."))
    if unit.level != UnitLevel.COUNTY:
        raise PermissionDenied(_("Only a county or district writes this report."))
    if not user.is_superuser and user.unit_id != unit.pk:
        raise PermissionDenied(_("Only the county section of this county writes its report."))


@transaction.atomic
def save_county_report(
    *,
    user,
    unit: OrgUnit,
    period: ReportingWeek | ReportingMonth,
    summary: str,
    sections: dict | None = None,
    submit: bool = False,
    now: datetime | None = None,
) -> CountyReport:
    """Save the county's report of a week or a month as a draft, or submit it upward.

    ``sections`` are the six texts (相关部署、进展成效、经验做法、典型案例、困难问题、意见建议);
    a text not given stays as it is. Submitting needs the summary, is final, and freezes the
    counted figures of the period into the report.
    """
    now = now or clock.now()
    _require_county_writer(user, unit)
    if not period.has_started(now):
        raise ValidationError(_("This period has not started yet."))
    kind = PeriodKind.MONTH if isinstance(period, ReportingMonth) else PeriodKind.WEEK
    number = period.month if kind == PeriodKind.MONTH else period.week
    report = (
        CountyReport.objects.select_for_update().of(unit, kind, period.year, number).first()
    ) or CountyReport(unit=unit, kind=kind, year=period.year, number=number, created_by=user)
    if report.is_submitted:
        raise ValidationError(_("This report has already been submitted."))
    report.summary = normalise_summary(summary)
    for name in COUNTY_REPORT_FIELDS:
        if sections is not None and name in sections:
            setattr(report, name, normalise_summary(sections[name]))
    if submit:
        if not report.summary:
            raise ValidationError({"summary": _("Write the summary before submitting.")})
        report.status = WeeklyStatus.SUBMITTED
        report.submitted_at = now
        report.submitted_by = user
        report.figures = figures_of(unit, period).as_dict()
        report.return_reason = ""
        report.accepted_at = None
        report.accepted_by = None
    report.full_clean()
    report._history_user = user
    report.save()
    return report


# --- the unit above reviews the county's report (周报送 up the tree) ---------------------------
#
# The same state machine as a township's weekly report one level up: the county submits, the
# city section accepts it (locked) or returns it with a reason (a draft again, the reason
# shown to the county until it submits again); an accepted report is reopened with a reason.
# The county withdraws its submission while the city has not acted on it.


def is_above(user, unit: OrgUnit) -> bool:
    """``user`` belongs to a unit strictly above ``unit`` (a city or province of a county)."""
    if user.is_superuser:
        return True
    own = user.unit if user.unit_id else None
    return own is not None and own.pk != unit.pk and unit.path.startswith(own.path)


def county_review_refused(user, report: CountyReport) -> str | None:
    """Why ``user`` may not accept, return or reopen ``report`` (None: they may)."""
    if not user.can_review or not is_above(user, report.unit):
        return _("Only the section of the unit above the county reviews its report.")
    return None


def county_withdrawal_refused(user, report: CountyReport) -> str | None:
    """Why ``user`` may not withdraw ``report`` now (None: they may): the one rule the page's
    button and ``withdraw_county_report`` both follow."""
    if not user.can_review or (not user.is_superuser and user.unit_id != report.unit_id):
        return _("Only the county section of this county withdraws its report.")
    if not report.is_submitted:
        return _("Only a submitted report can be withdrawn.")
    if report.is_accepted:
        return _(
            "The unit above has already accepted this report: it can no longer be withdrawn. "
            "Ask it to reopen the report."
        )
    return None


def _locked_county(user, report: CountyReport) -> CountyReport:
    if not CountyReport.objects.visible_to(user).filter(pk=report.pk).exists():
        raise PermissionDenied(_("This county is outside your unit."))
    return CountyReport.objects.select_for_update().select_related("unit").get(pk=report.pk)


def _county_back_to_draft(report: CountyReport) -> None:
    report.status = WeeklyStatus.DRAFT
    report.submitted_at = None
    report.submitted_by = None
    report.accepted_at = None
    report.accepted_by = None
    report.figures = {}


@transaction.atomic
def accept_county_report(*, user, report: CountyReport, now=None) -> CountyReport:
    """The city section accepts a county's submitted report: locked until reopened."""
    report = _locked_county(user, report)
    refused = county_review_refused(user, report)
    if refused:
        raise PermissionDenied(refused)
    if not report.is_submitted:
        raise ValidationError(_("Only a submitted report can be accepted."))
    if report.is_accepted:
        raise ValidationError(_("This report has already been accepted."))
    return _mark_accepted(report, user, now, _("Accepted by the unit above"))


def _send_county_back(user, report: CountyReport, reason: str, now, history) -> CountyReport:
    return _mark_returned(
        report,
        user,
        reason,
        now,
        history,
        missing=_("Say why the report goes back to the county."),
        to_draft=_county_back_to_draft,
    )


@transaction.atomic
def return_county_report(*, user, report: CountyReport, reason: str, now=None) -> CountyReport:
    """The city section returns a submitted report, not yet accepted, with a reason."""
    report = _locked_county(user, report)
    refused = county_review_refused(user, report)
    if refused:
        raise PermissionDenied(refused)
    if not report.is_submitted or report.is_accepted:
        raise ValidationError(
            _("Only a submitted report not yet accepted can be returned; reopen an accepted one.")
        )
    return _send_county_back(user, report, reason, now, _("Returned: %(reason)s"))


@transaction.atomic
def reopen_county_report(*, user, report: CountyReport, reason: str, now=None) -> CountyReport:
    """The city section reopens an accepted report, with a reason (audited)."""
    report = _locked_county(user, report)
    refused = county_review_refused(user, report)
    if refused:
        raise PermissionDenied(refused)
    if not report.is_accepted:
        raise ValidationError(_("Only an accepted report can be reopened."))
    return _send_county_back(user, report, reason, now, _("Reopened: %(reason)s"))


@transaction.atomic
def withdraw_county_report(*, user, report: CountyReport) -> CountyReport:
    """The county takes back its submitted report while the unit above has not accepted it:
    a draft again, its figures live until it is submitted again."""
    report = _locked_county(user, report)
    refused = county_withdrawal_refused(user, report)
    if refused:
        raise ValidationError(refused)
    _county_back_to_draft(report)
    report._history_user = user
    report._change_reason = _("Withdrawn by the county")
    report.save()
    return report
