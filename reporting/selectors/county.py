"""The county's own report compiled (区县方案: 周报送、月调度): the counted figures of the
period, the townships' weekly texts side by side, and the county's report of the period.

The figures are the pack's: ``publicity_table`` (附件5) and ``results_table`` (附件6)
called as ``reporting.xlsx.district`` calls them, read as the county (``UnitViewer``), so
that the compiled report, the pack and the township's weekly page never disagree; this
module only takes their totals. A constant number of queries whatever the number of
townships or weeks.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from accounts.models import OrgUnit
from accounts.selectors import visible_townships
from accounts.viewers import UnitViewer
from core import clock
from screening.selectors.four_looks import campaign_start

from ..choices import PeriodKind, WeeklyStatus
from ..figures import RESULT_FIGURES, FigureValue, publicity_values
from ..models import CountyReport, WeeklyReport
from ..periods import ReportingMonth, ReportingWeek
from .publicity import PublicityFigures, publicity_table
from .results import results_table


@dataclass
class PeriodFigures:
    publicity: list[FigureValue]  # 附件5, the period's activities
    results: list[FigureValue]  # 附件6, from the campaign start to the period's end
    frozen: bool = False
    # 附件2–4 of the pack of the period's last week, totalled (``pack_totals``).
    pack: list = field(default_factory=list)

    def as_dict(self) -> dict:
        def plain(value):
            return str(value) if isinstance(value, Decimal) else value

        return {
            "publicity": {v.figure.key: plain(v.value) for v in self.publicity},
            "results": {v.figure.key: plain(v.value) for v in self.results},
            "pack": {
                str(t.number): {
                    **t.as_dict(),
                    "values": {k: plain(v) for k, v in t.values.items()},
                }
                for t in self.pack
            },
        }

    @classmethod
    def from_dict(cls, values: dict) -> PeriodFigures:
        publicity = PublicityFigures.from_dict(None, values.get("publicity", {}))
        results = values.get("results", {})

        def thawed(value):
            return Decimal(value) if isinstance(value, str) else value

        return cls(
            publicity=publicity_values(publicity),
            results=[FigureValue(f, thawed(results.get(f.key))) for f in RESULT_FIGURES],
            frozen=True,
            pack=[
                AttachmentTotals.from_dict(int(number), totals)
                for number, totals in sorted(values.get("pack", {}).items())
            ],
        )


def period_figures(unit: OrgUnit, first_day, last_day, last_week: ReportingWeek) -> PeriodFigures:
    """The county's 附件5 totals from ``first_day`` to ``last_day`` and its 附件6 totals up to
    the end of ``last_week``: the same calls as the district pack's tables."""
    viewer = UnitViewer(unit)
    cutoff = last_week.cutoff(clock.now())
    publicity = publicity_table(viewer, first_day, last_day, cutoff=cutoff).total
    results = results_table(
        viewer, campaign_start(last_week.last_day), last_week, cutoff=cutoff
    ).total
    return PeriodFigures(
        publicity=publicity_values(publicity),
        results=[
            FigureValue(f, f.count(results) if f.count else getattr(results, f.key))
            for f in RESULT_FIGURES
        ],
        pack=pack_totals(unit, last_week),
    )


def figures_of(unit: OrgUnit, period: ReportingWeek | ReportingMonth) -> PeriodFigures:
    last_week = period.last_week if isinstance(period, ReportingMonth) else period
    return period_figures(unit, period.first_day, period.last_day, last_week)


@dataclass
class TownshipText:
    """A township's weekly report as the county compiles it: None when not submitted."""

    township: OrgUnit
    report: WeeklyReport | None

    @property
    def submitted(self) -> bool:
        return self.report is not None


def township_texts(user, unit: OrgUnit, weeks: list[ReportingWeek]) -> dict:
    """``{week: [TownshipText, …]}``: every township of ``unit`` for each week, with its
    submitted report (a draft is the township's own until submitted). Two queries."""
    townships = visible_townships(UnitViewer(unit))
    reports = {
        (r.township_id, r.year, r.week): r
        for r in WeeklyReport.objects.visible_to(user)
        .filter(
            township__in=townships,
            status=WeeklyStatus.SUBMITTED,
            year__in={w.year for w in weeks},
            week__in={w.week for w in weeks},
        )
        .select_related("submitted_by")
    }
    return {
        week: [TownshipText(t, reports.get((t.pk, week.year, week.week))) for t in townships]
        for week in weeks
    }


def county_report(user, unit: OrgUnit, kind: str, year: int, number: int) -> CountyReport | None:
    return (
        CountyReport.objects.visible_to(user)
        .of(unit, kind, year, number)
        .select_related("unit", "submitted_by")
        .first()
    )


@dataclass
class CompiledWeek:
    unit: OrgUnit
    week: ReportingWeek
    report: CountyReport | None
    figures: PeriodFigures
    townships: list[TownshipText]

    @property
    def missing(self) -> list[OrgUnit]:
        return [t.township for t in self.townships if not t.submitted]


def compile_week(user, unit: OrgUnit, week: ReportingWeek) -> CompiledWeek:
    """The county's week: its report, the figures (frozen once the report is submitted) and
    every township's text."""
    report = county_report(user, unit, PeriodKind.WEEK, week.year, week.week)
    figures = _figures(report, unit, week)
    return CompiledWeek(unit, week, report, figures, township_texts(user, unit, [week])[week])


@dataclass
class WeekTexts:
    week: ReportingWeek
    county: CountyReport | None  # the county's own weekly report, when it wrote one
    townships: list[TownshipText]


@dataclass
class CompiledMonth:
    unit: OrgUnit
    month: ReportingMonth
    report: CountyReport | None
    figures: PeriodFigures
    weeks: list[WeekTexts]


def compile_month(user, unit: OrgUnit, month: ReportingMonth) -> CompiledMonth:
    """月调度: the month's figures over the month's days and the texts of its weeks (the
    county's weekly reports and the townships' submitted ones)."""
    report = county_report(user, unit, PeriodKind.MONTH, month.year, month.month)
    weeks = month.weeks
    county_weeks = {
        (r.year, r.number): r
        for r in CountyReport.objects.visible_to(user).filter(
            unit=unit,
            kind=PeriodKind.WEEK,
            year__in={w.year for w in weeks},
            number__in={w.week for w in weeks},
        )
    }
    texts = township_texts(user, unit, weeks)
    return CompiledMonth(
        unit,
        month,
        report,
        _figures(report, unit, month),
        [WeekTexts(w, county_weeks.get((w.year, w.week)), texts[w]) for w in weeks],
    )


def _figures(report: CountyReport | None, unit, period) -> PeriodFigures:
    if report is not None and report.is_submitted and report.figures:
        return PeriodFigures.from_dict(report.figures)
    return figures_of(unit, period)


# --- 附件2–4 on the county's page: the pack's own tables, totalled ---------------------------


PACK_TOTALS_ATTACHMENTS = (2, 3, 4)


def shown(column, value):
    """A total as the spreadsheet prints it (percent and money formats), for the page."""
    from core.xlsx.spec import ColumnType

    if value is None:
        return "—"
    if column.type == ColumnType.PERCENT:
        return f"{Decimal(value) * 100:.1f}%"
    if column.type == ColumnType.MONEY:
        return f"{Decimal(value):,.2f}"
    return value


@dataclass
class AttachmentTotals:
    """One attachment table of the county's pack reduced to its totals row (and, for the
    per-institution lists, the rows it lists by level)."""

    number: int
    rows: int  # the rows the table lists
    values: dict  # column key -> the total as printed
    by_level: dict  # level name -> rows (the lists 附件3, 附件4)

    @property
    def attachment(self):
        from ..xlsx.district import DISTRICT_ATTACHMENTS

        return DISTRICT_ATTACHMENTS[self.number]

    @property
    def title(self) -> str:
        return self.attachment.table.title

    @property
    def label(self) -> str:
        return self.attachment.label

    @property
    def items(self) -> list[tuple[str, str, object]]:
        """(column key, column label, total) in the table's column order."""
        columns = self.attachment.table.columns
        labels = {c.key: " · ".join(str(h) for h in c.header) for c in columns}
        return [(key, labels.get(key, key), value) for key, value in self.values.items()]

    def as_dict(self) -> dict:
        return {"rows": self.rows, "values": self.values, "by_level": self.by_level}

    @classmethod
    def from_dict(cls, number: int, values: dict) -> AttachmentTotals:
        return cls(
            number,
            values.get("rows", 0),
            values.get("values", {}),
            values.get("by_level", {}),
        )


def totals_of(number: int, attachment, rows) -> AttachmentTotals:
    """The totals row of ``attachment`` over ``rows``, as the writer (``core.xlsx.writer``)
    adds it up: summed columns summed, computed ones from the sums."""
    columns = [c for c in attachment.table.columns if c.total]
    sums = {c.key: 0 for c in columns if c.total is True}
    count, by_level = 0, {}
    for index, row in enumerate(rows, start=1):
        count = index
        for column in columns:
            if column.total is True:
                value = column.value_of(row, index)
                if isinstance(value, (int, Decimal)) and not isinstance(value, bool):
                    sums[column.key] += value
        level = row.get("level") if isinstance(row, dict) else None
        if level:
            by_level[level] = by_level.get(level, 0) + 1
    values = {}
    for column in columns:
        value = sums[column.key] if column.total is True else column.total(sums)
        values[column.key] = shown(column, value)
    return AttachmentTotals(number, count, values, by_level)


def pack_totals(unit: OrgUnit, week: ReportingWeek) -> list[AttachmentTotals]:
    """附件2–4 of the county's weekly pack of ``week`` (a month: its last week), totalled:
    the pack's own row functions, read as the county at the pack's cut-off, so the page and
    the spreadsheet never disagree. A constant number of queries."""
    from ..packs import context_for
    from ..xlsx.district import DISTRICT_ATTACHMENTS

    context = context_for(unit, week)
    return [
        totals_of(number, DISTRICT_ATTACHMENTS[number], DISTRICT_ATTACHMENTS[number].rows(context))
        for number in PACK_TOTALS_ATTACHMENTS
    ]
