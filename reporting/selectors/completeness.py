"""Completeness and timeliness up the tree (周报送, as DHIS2 shows it to ministries): for a
week or a month, every unit below the user — counties, or one county's townships — with the
township weekly reports expected, received, on time, late, missing and accepted, and the
county's own report of the period (its weekly report or monthly summary) and where it stands
with the unit above.

A township's weekly report is expected for every week of the period that has started; it is
received when submitted, on time when submitted by the week's deadline (Tuesday 17:00), late
after it, missing when the deadline passed without it, and pending while the week is not yet
due. Read as of now (a report withdrawn is not received). Four queries whatever the number of
counties and townships.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from accounts.models import OrgUnit, UnitLevel, path_ids
from core import clock

from ..choices import PeriodKind, ReviewState, WeeklyStatus
from ..models import CountyReport, WeeklyReport
from ..periods import ReportingMonth, ReportingWeek

Period = ReportingWeek | ReportingMonth


@dataclass
class UnitCompleteness:
    """One row: a county (its townships' reports) or a township (its own)."""

    unit: OrgUnit
    townships: int = 0
    expected: int = 0
    received: int = 0
    on_time: int = 0
    late: int = 0
    missing: int = 0
    pending: int = 0  # not submitted, the week not yet due
    accepted: int = 0
    # A county's own report of the period (None: not written; a township row: never).
    county_report: CountyReport | None = None

    COUNTS = ("townships", "expected", "received", "on_time", "late", "missing", "pending")
    SUMMED = (*COUNTS, "accepted")

    @property
    def completeness(self) -> float | None:
        """Received of expected, in per cent."""
        return round(100 * self.received / self.expected, 1) if self.expected else None

    @property
    def timeliness(self) -> float | None:
        """On time of expected, in per cent."""
        return round(100 * self.on_time / self.expected, 1) if self.expected else None

    @property
    def county_state(self) -> str:
        """The county's own report: "none" when not written, else its ``ReviewState``."""
        if self.county_report is None:
            return "none"
        return self.county_report.review_state


@dataclass
class Completeness:
    period: Period
    kind: str  # PeriodKind
    county: OrgUnit | None  # drilled into one county: its townships' rows
    rows: list[UnitCompleteness]
    total: UnitCompleteness
    weeks: list[ReportingWeek] = field(default_factory=list)

    @property
    def by_county(self) -> bool:
        return self.county is None

    def chart(self) -> dict:
        """The chart's data: one stacked bar per row."""
        return {
            "units": [row.unit.name for row in self.rows],
            "ids": [row.unit.pk for row in self.rows],
            "on_time": [row.on_time for row in self.rows],
            "late": [row.late for row in self.rows],
            "missing": [row.missing for row in self.rows],
            "pending": [row.pending for row in self.rows],
        }


def period_weeks(period: Period) -> list[ReportingWeek]:
    return period.weeks if isinstance(period, ReportingMonth) else [period]


def completeness(
    user, period: Period, county: OrgUnit | None = None, now: datetime | None = None
) -> Completeness:
    """The rows of ``user``'s counties (or, with ``county``, of its townships) for
    ``period``. ``county`` must be one ``OrgUnit.objects.visible_to(user)`` gave."""
    now = now or clock.now()
    weeks = [w for w in period_weeks(period) if w.has_started(now)]
    kind = PeriodKind.MONTH if isinstance(period, ReportingMonth) else PeriodKind.WEEK

    units = OrgUnit.objects.visible_to(user).filter(
        level__in=(UnitLevel.COUNTY, UnitLevel.TOWNSHIP)
    )
    if county is not None:
        units = units.filter(path__startswith=county.path)
    counties, townships = [], []
    for unit in units.order_by("code", "name"):
        (counties if unit.level == UnitLevel.COUNTY else townships).append(unit)

    if county is None:
        rows = {c.pk: UnitCompleteness(c) for c in counties}
        row_of = {}
        for township in townships:
            for pk in path_ids(township.path):
                if pk in rows:
                    row_of[township.pk] = rows[pk]
    else:
        rows = {t.pk: UnitCompleteness(t) for t in townships}
        row_of = dict(rows)
    for row in row_of.values():
        row.townships += 1
        row.expected += len(weeks)

    reports = WeeklyReport.objects.visible_to(user).filter(
        year__in={w.year for w in weeks}, week__in={w.week for w in weeks}
    )
    if county is not None:
        reports = reports.filter(scope_path__startswith=county.path)
    wanted = {(w.year, w.week): w for w in weeks}
    submitted = set()
    for township_id, year, number, status, submitted_at, accepted_at in reports.values_list(
        "township_id", "year", "week", "status", "submitted_at", "accepted_at"
    ):
        week, row = wanted.get((year, number)), row_of.get(township_id)
        if week is None or row is None or status != WeeklyStatus.SUBMITTED:
            continue
        submitted.add((township_id, week))
        row.received += 1
        if submitted_at is not None and submitted_at > week.deadline:
            row.late += 1
        else:
            row.on_time += 1
        if accepted_at is not None:
            row.accepted += 1
    for township_id, row in row_of.items():
        for week in weeks:
            if (township_id, week) not in submitted:
                if week.is_due(now):
                    row.missing += 1
                else:
                    row.pending += 1

    if county is None and rows:
        number = period.month if kind == PeriodKind.MONTH else period.week
        for report in (
            CountyReport.objects.visible_to(user)
            .filter(kind=kind, year=period.year, number=number, unit_id__in=list(rows))
            .select_related("submitted_by", "accepted_by", "returned_by")
        ):
            rows[report.unit_id].county_report = report

    total = UnitCompleteness(county or (user.unit if user.unit_id else None))
    for row in rows.values():
        for name in UnitCompleteness.SUMMED:
            setattr(total, name, getattr(total, name) + getattr(row, name))
    return Completeness(period, kind, county, list(rows.values()), total, weeks)


COUNTY_STATES = ("none", *ReviewState.values)
