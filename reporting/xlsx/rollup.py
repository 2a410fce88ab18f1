"""The roll-up pack (周报送 up the tree): the district's tables 附件1–6 for a city or a
province, with one row per county where the county's pack has one row per township.

Nothing is declared twice: the tables are the district's (``district.PROGRESS``,
``PUBLICITY``, ``RESULTS``), with their first column naming the county instead of the
township, and the rows are the district's own per-township rows (the same selectors at the
same cut-off, read as the city) added up per county. So a county's row is the sum of its
townships' rows in its own pack, by construction, and the same writer prints it. 附件1 is the
working group of the unit the pack is for; 附件3 and 附件4 list institutions, and list them
as the county's pack does, the whole subtree's. A township whose report of the week was not
in by the cut-off is named beside its county (未报送), as the county's pack marks it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import OrgUnit, UnitLevel, path_ids
from core.xlsx.spec import Table

from ..selectors import ProgressRow, PublicityFigures, PublicityTable, ResultFigures, ResultTable
from ..selectors.progress import shared_deadline
from .attachments import Attachment, ReportContext
from .district import (
    DISPOSAL,
    PROGRESS,
    PUBLICITY,
    RESULTS,
    RISK_LIST,
    WORKING_GROUP,
    disposal_rows,
    figures_of,
    listed,
    progress_of,
    publicity_rows,
    results_of,
    risk_list,
    working_group_rows,
)

COUNTY_HEADER = gettext_lazy("County (city, district)")


def county_name(row) -> str:
    """The county's name; with the townships whose weekly report was not in by the cut-off
    (未报送), as the county's own pack marks them on their rows."""
    if row.township is None:
        return ""
    missing = getattr(row, "not_reported", None)
    if missing:
        return _("%(county)s (not submitted: %(townships)s)") % {
            "county": row.township.name,
            "townships": "、".join(missing),
        }
    return row.township.name


def rolled_up(table: Table) -> Table:
    """``table`` with its township column naming the county: the same declaration."""
    columns = tuple(
        replace(column, header=(COUNTY_HEADER,), value=county_name)
        if column.key == "township"
        else column
        for column in table.columns
    )
    return replace(table, code=table.code.replace("district", "rollup"), columns=columns)


@dataclass
class Grouping:
    """The counties of the pack's unit and which county each township belongs to."""

    counties: list[OrgUnit]
    county_of: dict[int, OrgUnit]  # township id -> county

    def county(self, township: OrgUnit | None) -> OrgUnit | None:
        return self.county_of.get(township.pk) if township is not None else None


def grouping_of(context: ReportContext) -> Grouping:
    def compute():
        units = OrgUnit.objects.visible_to(context.user).filter(
            level__in=(UnitLevel.COUNTY, UnitLevel.TOWNSHIP)
        )
        counties, townships = [], []
        for unit in units.order_by("code", "name"):
            (counties if unit.level == UnitLevel.COUNTY else townships).append(unit)
        by_id = {county.pk: county for county in counties}
        county_of = {}
        for township in townships:
            for pk in path_ids(township.path):
                if pk in by_id:
                    county_of[township.pk] = by_id[pk]
        grouping = Grouping(counties, county_of)
        # 附件3 and 附件4 list institutions: tallied per county for ``reconcile``.
        figures_of(context).group_of = {pk: county.name for pk, county in county_of.items()}
        return grouping

    return context.cached("grouping", compute)


def _roll(grouping: Grouping, rows, make, names) -> list:
    """One ``make(county)`` row per county, each ``names`` the sum of its townships' rows."""
    rolled = {county.pk: make(county) for county in grouping.counties}
    for row in rows:
        county = grouping.county(row.township)
        if county is None:
            continue
        target = rolled[county.pk]
        for name in names:
            setattr(target, name, getattr(target, name) + (getattr(row, name) or 0))
    return list(rolled.values())


def _known_sum(values):
    """The sum of the values known (None when none is): the civil-affairs counts."""
    known = [v for v in values if v is not None]
    return sum(known) if known else None


def _not_reported(context: ReportContext, grouping: Grouping) -> dict[int, list[str]]:
    """County id -> its townships not reported by the cut-off (the 附件6 rows' marks)."""

    def compute():
        missing: dict[int, list[str]] = {}
        for row in results_of(context).rows:
            county = grouping.county(row.township)
            if row.reported is False and county is not None:
                missing.setdefault(county.pk, []).append(row.township.name)
        figures_of(context).not_reported = [
            name for county in grouping.counties for name in missing.get(county.pk, [])
        ]
        return missing

    return context.cached("not_reported_by_county", compute)


def _mark(rows, context, grouping):
    missing = _not_reported(context, grouping)
    for row in rows:
        row.not_reported = missing.get(row.township.pk, [])
    return rows


def rollup_progress_rows(context: ReportContext):
    grouping = grouping_of(context)
    rows, total = progress_of(context)
    by_county: dict[int, list[ProgressRow]] = {}
    for row in rows:
        county = grouping.county(row.township)
        if county is not None:
            by_county.setdefault(county.pk, []).append(row)
    rolled = _roll(grouping, rows, ProgressRow, ProgressRow.FIGURES)
    for row in rolled:
        townships = by_county.get(row.township.pk, [])
        row.to_screen = _known_sum(t.to_screen for t in townships)
        row.difference = _known_sum(t.difference for t in townships)
        # A county's townships follow its window: its deadline, when they share one.
        row.look_back_deadline = shared_deadline(townships)
        row.as_of = total.as_of
    figures_of(context).progress = (rolled, total)
    return listed(rolled, ProgressRow.FIGURES)


def rollup_publicity_rows(context: ReportContext):
    grouping = grouping_of(context)
    # The district's table of the townships, as its pack has it, then rolled up.
    publicity_rows(context)
    table = figures_of(context).publicity
    rows = _roll(grouping, table.rows, PublicityFigures, PublicityFigures.SUMMED)
    rolled = PublicityTable(
        table.date_from, table.date_to, rows=_mark(rows, context, grouping), total=table.total
    )
    figures_of(context).publicity = rolled
    return listed(rolled.rows, PublicityFigures.SUMMED)


def rollup_results_rows(context: ReportContext):
    grouping = grouping_of(context)
    table = results_of(context)
    rolled = ResultTable(
        table.since,
        table.until,
        table.week,
        _mark(
            _roll(grouping, table.rows, ResultFigures, ResultFigures.summed()), context, grouping
        ),
        table.total,
    )
    figures_of(context).results = rolled
    return listed(rolled.rows, ResultFigures.summed())


def rollup_risk_list(context: ReportContext):
    grouping_of(context)
    return risk_list(context)


def rollup_disposal_rows(context: ReportContext):
    grouping_of(context)
    return disposal_rows(context)


ROLLUP_PROGRESS = rolled_up(PROGRESS)
ROLLUP_PUBLICITY = rolled_up(PUBLICITY)
ROLLUP_RESULTS = rolled_up(RESULTS)

ROLLUP_ATTACHMENTS: dict[int, Attachment] = {
    1: Attachment(1, WORKING_GROUP, working_group_rows),
    2: Attachment(2, ROLLUP_PROGRESS, rollup_progress_rows),
    3: Attachment(3, RISK_LIST, rollup_risk_list),
    4: Attachment(4, DISPOSAL, rollup_disposal_rows),
    5: Attachment(5, ROLLUP_PUBLICITY, rollup_publicity_rows),
    6: Attachment(6, ROLLUP_RESULTS, rollup_results_rows),
}

__all__ = ["ROLLUP_ATTACHMENTS", "county_name", "rolled_up"]
