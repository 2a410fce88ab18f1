"""Every figure of the weekly report with where it comes from.

The publicity statistics (附件5) are counted from the records; the results (战果, 附件6)
that only the township knows are typed into the report. A figure the system can count
later (from the rating or disposal) becomes a ``Figure`` with that source and a ``count``
function; the page and the spreadsheet then show the counted value and its source instead
of the typed one, without a change to the report's model.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from .selectors import PublicityFigures
from .xlsx.district import PUBLICITY


class Source(models.TextChoices):
    PUBLICITY_RECORDS = "publicity", _("Counted from the publicity activities of the week")
    SCREENING_VISITS = (
        "visits",
        _("Counted from each institution's latest submitted screening visit"),
    )
    TYPED = "typed", _("Typed by the township")


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    source: Source
    # For a counted result figure: (township, week) -> value. None: typed or publicity.
    count: Callable[[Any, Any], Any] | None = None


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


def _publicity_figures() -> tuple[Figure, ...]:
    # The labels are 附件5's column headers, so the page and the spreadsheet agree.
    figures = []
    for column in PUBLICITY.columns:
        if column.key not in PublicityFigures.SUMMED:
            continue
        source = (
            Source.SCREENING_VISITS
            if column.key in ("institutions", "three_musts_complete")
            else Source.PUBLICITY_RECORDS
        )
        label = format_lazy(" · ".join(["{}"] * len(column.header)), *column.header)
        figures.append(Figure(column.key, label, source))
    return tuple(figures)


PUBLICITY_FIGURES = _publicity_figures()

# 战果 of 附件6 that the township types. (Screened, rated and listed institutions, leads
# received and closed come from the rating and disposal with 附件6 itself.)
RESULT_FIGURES = (
    Figure("rectified", _("Rectified"), Source.TYPED),
    Figure("closed_or_banned", _("Closed or banned"), Source.TYPED),
    Figure("transferred", _("Transferred to other authorities"), Source.TYPED),
    Figure("cases_filed", _("Cases filed"), Source.TYPED),
    Figure("funds_refunded", _("Funds refunded (10,000 yuan)"), Source.TYPED),
    Figure("elders_resettled", _("Elders resettled"), Source.TYPED),
    Figure("elders_assisted", _("Elders assisted"), Source.TYPED),
)

TYPED_RESULT_FIELDS = tuple(f.key for f in RESULT_FIGURES if f.source == Source.TYPED)


def publicity_values(figures: PublicityFigures) -> list[FigureValue]:
    return [FigureValue(f, getattr(figures, f.key)) for f in PUBLICITY_FIGURES]


def result_values(report) -> list[FigureValue]:
    values = []
    for figure in RESULT_FIGURES:
        if figure.count is not None:
            value = figure.count(report.township, report.period)
        else:
            value = getattr(report, figure.key)
        values.append(FigureValue(figure, value))
    return values
