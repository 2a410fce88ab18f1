"""An attachment of a plan: a declared table and the function that yields its rows.

A set of attachments (``district.DISTRICT_ATTACHMENTS``, ``baseline.BASELINE_ATTACHMENTS``) is
a ``dict[int, Attachment]``; the same functions render or write any attachment of any set.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from concurrent.futures import Future
from dataclasses import dataclass, field
from datetime import date, datetime

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from accounts.models import OrgUnit
from core import clock
from core.background import Stream, background_reads_possible, start_reads
from core.xlsx.spec import Table
from core.xlsx.writer import Target, render_table, save_workbook
from screening.selectors.four_looks import campaign_start

from ..periods import ReportingWeek, current_week

STREAMS_STARTED = "streams started"  # the cache's list of every ``Stream`` started


@dataclass(frozen=True)
class ReportContext:
    """What a pack is built for: whose data (the user's scope, the unit) and which week."""

    user: object
    unit: OrgUnit
    week: ReportingWeek
    since: date  # the campaign start: "screened" counts visits from this day
    footer_values: dict | None = None  # 填报人 / 审核人 / 联系电话 when known
    # The one moment every figure of the pack is read at (its week's deadline, or now for
    # a week not yet due); None: now, unfrozen.
    cutoff: datetime | None = None
    # What several tables of one pack read (the disposal actions of 附件3 and 附件4).
    cache: dict = field(default_factory=dict, compare=False, repr=False)

    def cached(self, key: str, compute):
        if key not in self.cache:
            self.cache[key] = compute()
        value = self.cache[key]
        if isinstance(value, Future):  # read ahead (``read_ahead``): wait for it
            value = value.result()
        return value

    def read_ahead(self, reads: dict[str, Callable[[], object]]) -> None:
        """Start ``reads`` (cache key → compute) in the background where the database
        allows it (``core.background``); ``cached`` then waits for each when first asked.
        Elsewhere nothing happens and ``cached`` computes in place, as always."""
        if not background_reads_possible():
            return
        missing = {key: read for key, read in reads.items() if key not in self.cache}
        self.cache.update(start_reads(missing))

    def stream_ahead(self, streams: dict[str, Callable[[], Iterable]]) -> None:
        """Start reading the rows of long tables (cache key → the generator's factory) in
        the background (``core.background.Stream``), where the database allows it;
        ``rows(key, factory)`` then reads them from there, else from ``factory()``."""
        if not background_reads_possible():
            return
        started = self.cache.setdefault(STREAMS_STARTED, [])
        for key, rows in streams.items():
            if key not in self.cache:
                self.cache[key] = Stream(rows)
                started.append(self.cache[key])

    def rows(self, key: str, rows: Callable[[], Iterable]) -> Iterable:
        """The rows started ahead under ``key`` (once), else ``rows()`` read here."""
        stream = self.cache.pop(key, None)
        return stream if stream is not None else rows()

    def close(self) -> None:
        """Stop what was read ahead and not used up (a pack that failed half-way, even
        after a table took its rows and before it read them)."""
        for stream in self.cache.get(STREAMS_STARTED, ()):
            stream.cancel()

    @classmethod
    def for_user(cls, user, week: ReportingWeek | None = None, since: date | None = None):
        week = week or current_week()
        return cls(
            user,
            user.unit,
            week,
            since or campaign_start(week.last_day),
            cutoff=week.cutoff(clock.now()),
        )

    @property
    def report_date(self) -> date:
        if self.cutoff is not None:
            return clock.localdate(self.cutoff)
        return min(self.week.last_day, timezone.localdate())

    @property
    def notes(self) -> list[str]:
        """Printed under every table of the pack: the moment its figures were read at."""
        if self.cutoff is None:
            return []
        return [data_as_of(self.cutoff)]

    @property
    def window(self) -> tuple[date, date]:
        """From the campaign start to the end of the reporting week (both included)."""
        return (self.since, self.week.last_day)


@dataclass(frozen=True)
class Attachment:
    number: int
    table: Table
    rows: Callable[[ReportContext], Iterable]

    @property
    def label(self) -> str:
        """附件3: printed at the top left of every page, as the plan heads its tables."""
        return _("Attachment %(number)d") % {"number": self.number}

    @property
    def filename(self) -> str:
        return f"附件{self.number}_{self.table.title}.xlsx"

    def render(self, context: ReportContext, workbook: Workbook | None = None) -> Workbook:
        """A write-only workbook with this table for ``context``, to be saved once."""
        return render_table(
            self.table,
            self.rows(context),
            unit_name=context.unit.bureau_name if context.unit else "",
            report_date=context.report_date,
            footer_values=context.footer_values,
            workbook=workbook,
            label=self.label,
            notes=context.notes,
            empty_text=NOTHING,
        )

    def write(self, context: ReportContext, target: Target) -> None:
        """Render this table for ``context`` and stream it to ``target`` (path or file)."""
        save_workbook(self.render(context), target)


def render_attachment(
    attachments: dict[int, Attachment],
    number: int,
    context: ReportContext,
    workbook: Workbook | None = None,
) -> Workbook:
    """The workbook of attachment ``number`` of a set (KeyError for an unknown one)."""
    return attachments[number].render(context, workbook)


def write_attachment(attachment: Attachment, context: ReportContext, target: Target) -> None:
    """Write one attachment to ``target``: an .xlsx path or a binary file object."""
    attachment.write(context, target)


# The one row of a table with nothing to list at the cut-off (a week before any data).
NOTHING = "无"


def data_as_of(moment: datetime) -> str:
    """数据截至2026年11月24日17:00 (Asia/Shanghai)."""
    local = timezone.localtime(moment)
    return _("Data as of %(moment)s") % {
        "moment": _("%(year)d-%(month)02d-%(day)02d %(time)s")
        % {
            "year": local.year,
            "month": local.month,
            "day": local.day,
            "time": local.strftime("%H:%M"),
        }
    }


def township_name(row) -> str:
    if isinstance(row, dict):
        return row.get("township__name") or ""
    if row.township is None:
        return ""
    if getattr(row, "reported", None) is False:
        return _("%(township)s (not submitted)") % {"township": row.township.name}
    return row.township.name
