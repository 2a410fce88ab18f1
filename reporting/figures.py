"""Every figure of the weekly report with where it comes from.

The publicity statistics (附件5) are counted from the records. The results (战果, 附件6) are
counted from the rating, disposal, the 清零 ledger, leads, refunds, resettlement and
assistance (``reporting.selectors.results``, the same function that fills 附件6), so the
page and the spreadsheet agree; only what the system cannot know stays typed by the
township (cases filed: the police open cases on leads that never pass through a transfer
recorded here). A ``Figure`` with a ``count`` function is counted: the page shows its value
and its source, and the weekly form shows it read-only. The report keeps its typed columns
for every result figure; a figure that is counted simply stops being typed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from operator import attrgetter
from typing import Any

from django.db import models
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from accounts.viewers import UnitViewer
from core import clock
from screening.selectors.four_looks import campaign_start

from .periods import ReportingWeek
from .selectors import PublicityFigures, ResultFigures, results_table
from .xlsx.district import PUBLICITY, RESULTS


class Source(models.TextChoices):
    PUBLICITY_RECORDS = "publicity", _("Counted from the publicity activities of the week")
    SCREENING_VISITS = (
        "visits",
        _("Counted from each institution's latest submitted screening visit"),
    )
    CAMPAIGN_VISITS = (
        "campaign_visits",
        _("Counted from the submitted screening visits since the campaign start"),
    )
    RATINGS = "ratings", _("Counted from the approved ratings")
    DISPOSAL = "disposal", _("Counted from the disposal actions and the zeroing ledger")
    ZEROING = "zeroing", _("Counted from the zeroing ledger")
    TRANSFERS = "transfers", _("Counted from the recorded transfers")
    LEADS = "leads", _("Counted from the leads")
    REFUNDS = "refunds", _("Counted from the refunds paid to elders")
    ELDERS = "elders", _("Counted from the resettlement and assistance records")
    TYPED = "typed", _("Typed by the township")


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    source: Source
    # For a counted result figure: the township's counted 附件6 row -> value. None: typed
    # (or, for publicity, read from the publicity figures).
    count: Callable[[ResultFigures], Any] | None = None


@dataclass(frozen=True)
class FigureValue:
    figure: Figure
    value: Any

    @property
    def label(self):
        return self.figure.label

    @property
    def source(self):
        return self.figure.source


def _label(column):
    # The labels are the spreadsheet's column headers, so the page and the table agree.
    return format_lazy(" · ".join(["{}"] * len(column.header)), *column.header)


def _publicity_figures() -> tuple[Figure, ...]:
    figures = []
    for column in PUBLICITY.columns:
        if column.key not in PublicityFigures.SUMMED:
            continue
        source = (
            Source.SCREENING_VISITS
            if column.key
            in (
                "institutions",
                "three_musts_complete",
                *PublicityFigures.ITEMS,
                *PublicityFigures.NOTICE_COUNTS,
            )
            else Source.PUBLICITY_RECORDS
        )
        figures.append(Figure(column.key, _label(column), source))
    return tuple(figures)


PUBLICITY_FIGURES = _publicity_figures()


def _in_ten_thousand(row: ResultFigures) -> Decimal:
    return row.funds_refunded.quantize(Decimal("0.01"))


# Where each 附件6 figure comes from (see ``reporting.selectors.results`` for the rules).
RESULT_SOURCES = {
    "screened": Source.CAMPAIGN_VISITS,
    "screened_venues": Source.CAMPAIGN_VISITS,
    "red": Source.RATINGS,
    "orange": Source.RATINGS,
    "yellow": Source.RATINGS,
    "rectified": Source.DISPOSAL,
    "closed_or_banned": Source.DISPOSAL,
    "transferred": Source.TRANSFERS,
    "cases_filed": Source.TYPED,
    "leads_received": Source.LEADS,
    "leads_closed": Source.LEADS,
    "funds_refunded": Source.REFUNDS,
    "elders_resettled": Source.ELDERS,
    "elders_assisted": Source.ELDERS,
    # 清零行动进展 (衡山县方案 清零行动): the pack's 附件6 has them, so the weekly page too.
    "on_ledger": Source.ZEROING,
    "crossed_off": Source.ZEROING,
    "ledger_open": Source.ZEROING,
}
COUNTERS = {"funds_refunded": _in_ten_thousand}


def _result_figures() -> tuple[Figure, ...]:
    figures = []
    for column in RESULTS.columns:
        source = RESULT_SOURCES.get(column.key)
        if source is None:
            continue
        count = None if source == Source.TYPED else COUNTERS.get(column.key, attrgetter(column.key))
        figures.append(Figure(column.key, _label(column), source, count))
    return tuple(figures)


RESULT_FIGURES = _result_figures()

TYPED_RESULT_FIELDS = tuple(f.key for f in RESULT_FIGURES if f.count is None)
COUNTED_RESULT_FIGURES = tuple(f for f in RESULT_FIGURES if f.count is not None)


def publicity_values(figures: PublicityFigures) -> list[FigureValue]:
    return [FigureValue(f, getattr(figures, f.key)) for f in PUBLICITY_FIGURES]


def counted_results(township, week: ReportingWeek, user=None) -> ResultFigures:
    """The township's 附件6 row for ``week``: from the campaign start to the week's end, as
    the weekly pack counts it (at the week's cut-off: its deadline, or now before it).
    ``user`` scopes the queries; by default the township's own view. A constant number of
    queries."""
    viewer = user if user is not None else UnitViewer(township)
    table = results_table(
        viewer,
        campaign_start(week.last_day),
        week,
        townships=[township],
        cutoff=week.cutoff(clock.now()),
    )
    return table.rows[0]


def frozen_results(township, week: ReportingWeek, user=None) -> dict:
    """The counted figures as they stand now, to keep with a submitted report (万元 as text,
    so that they keep their decimals)."""
    row = counted_results(township, week, user)
    values = {f.key: f.count(row) for f in COUNTED_RESULT_FIGURES}
    return {k: str(v) if isinstance(v, Decimal) else v for k, v in values.items()}


def result_values(report, user=None) -> list[FigureValue]:
    """Every 附件6 figure of ``report``: counted ones from the records (as they stood at
    submission, for a submitted report), typed ones from the report itself."""
    frozen = report.result_figures if report.is_submitted else {}
    row = None if frozen else counted_results(report.township, report.period, user)
    values = []
    for figure in RESULT_FIGURES:
        if figure.count is None:
            value = getattr(report, figure.key)
        elif frozen:
            # None: counted since the report was submitted (shown "—", not a made-up 0).
            value = frozen.get(figure.key)
            value = Decimal(value) if isinstance(value, str) else value
        else:
            value = figure.count(row)
        values.append(FigureValue(figure, value))
    return values
