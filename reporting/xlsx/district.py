"""The district plan's attachment tables (区县方案 附件1–6), each declared once.

Titles are the published template pack's; the columns are SPEC §5's reading of the plan.
A table is an ``Attachment``: its declaration (``Table``) and the function that yields its
rows for a ``ReportContext``. Tables 3, 4 and 6 (the 红橙黄 list, the disposal progress and
the results) are declared the same way once the rating and disposal provide their rows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook

from accounts.models import OrgUnit
from screening.four_looks import campaign_start

from ..periods import ReportingWeek, current_week
from ..selectors import progress_table, publicity_table, working_group
from .spec import Column, ColumnType, Table, ratio, serial_column
from .writer import render_table

INT, PERCENT, TEXT = ColumnType.INT, ColumnType.PERCENT, ColumnType.TEXT


@dataclass(frozen=True)
class ReportContext:
    """What a pack is built for: whose data (the user's scope, the unit) and which week."""

    user: object
    unit: OrgUnit
    week: ReportingWeek
    since: date  # the campaign start: "screened" counts visits from this day

    @classmethod
    def for_user(cls, user, week: ReportingWeek | None = None, since: date | None = None):
        week = week or current_week()
        return cls(user, user.unit, week, since or campaign_start(week.last_day))

    @property
    def report_date(self) -> date:
        return min(self.week.last_day, timezone.localdate())


@dataclass(frozen=True)
class Attachment:
    number: int
    table: Table
    rows: Callable[[ReportContext], Iterable]

    @property
    def filename(self) -> str:
        return f"附件{self.number}_{self.table.title}.xlsx"


def township_name(row):
    return row.township.name if row.township else ""


# --- 附件1 打击整治养老服务诈骗专项行动工作组 ---

WORKING_GROUP = Table(
    code="district_1",
    sheet_title="附件1",
    title=_("Working group of the special campaign against elder-care service fraud"),
    totals=False,
    columns=(
        serial_column(_("Serial no.")),
        Column(
            "role",
            (_("Role in the working group"),),
            width=14,
            value=lambda m: m.get_role_display(),
        ),
        Column("name", (_("Full name"),), width=12),
        Column("unit_name", (_("Work unit"),), width=28),
        Column("post", (_("Post held"),), width=20),
        Column("phone", (_("Office phone"),), width=18),
    ),
)

# --- 附件2 养老服务诈骗风险隐患排查工作进度表 ---

SCREENING = _("Screening situation")
FOUR_LOOKS = _("Four-looks review")
PROGRESS = Table(
    code="district_2",
    sheet_title="附件2",
    title=_("Progress of the screening of elder-care service fraud risks"),
    frozen_columns=2,
    columns=(
        serial_column(_("Serial no.")),
        Column("township", (_("Township (street)"),), width=14, value=township_name),
        Column(
            "to_screen",
            (SCREENING, _("Institutions per civil-affairs statistics")),
            INT,
            width=14,
            total=True,
        ),
        Column("screened", (SCREENING, _("Screened")), INT, width=10, total=True),
        Column(
            "screened_venues",
            (SCREENING, _("Of which unregistered venues")),
            INT,
            width=12,
            total=True,
        ),
        Column("newly_found", (SCREENING, _("Newly found")), INT, width=10, total=True),
        Column("risks_found", (SCREENING, _("Risks and hazards found")), INT, width=10, total=True),
        Column(
            "progress",
            (SCREENING, _("Screening progress")),
            PERCENT,
            width=10,
            value=lambda r: ratio(r.screened, r.to_screen),
            total=lambda sums: ratio(sums["screened"], sums["to_screen"]),
        ),
        Column(
            "incomplete",
            (FOUR_LOOKS, _("Information incomplete")),
            INT,
            width=12,
            total=True,
        ),
        Column(
            "difference",
            (FOUR_LOOKS, _("Difference from the statistics")),
            INT,
            width=12,
            total=lambda sums: sums["screened"] - sums["to_screen"] if sums["to_screen"] else None,
        ),
        Column(
            "candidates_to_verify",
            (FOUR_LOOKS, _("Shared-list entries to verify")),
            INT,
            width=12,
            total=True,
        ),
        Column(
            "new_not_screened",
            (FOUR_LOOKS, _("New and not yet screened")),
            INT,
            width=12,
            total=True,
        ),
    ),
)

# --- 附件5 打击整治养老诈骗专项行动宣传统计表 ---

THREE_INTO = _("Three into (places)")
FOUR_SEEN = _("Four seen")
THREE_MUSTS = _("Three musts")
PUBLICITY = Table(
    code="district_5",
    sheet_title="附件5",
    title=_("Publicity statistics of the special campaign against elder-care fraud"),
    frozen_columns=2,
    columns=(
        serial_column(_("Serial no.")),
        Column("township", (_("Township (street)"),), width=14, value=township_name),
        Column("activities", (_("Activities held"),), INT, width=10, total=True),
        Column("in_villages", (THREE_INTO, _("Into villages")), INT, width=9, total=True),
        Column("in_communities", (THREE_INTO, _("Into communities")), INT, width=9, total=True),
        Column("in_institutions", (THREE_INTO, _("Into institutions")), INT, width=11, total=True),
        Column("posters", (FOUR_SEEN, _("Posters (sheets)")), INT, width=10, total=True),
        Column("banners", (FOUR_SEEN, _("Banners (pieces)")), INT, width=10, total=True),
        Column("leaflets", (FOUR_SEEN, _("Leaflets (copies)")), INT, width=10, total=True),
        Column("videos", (FOUR_SEEN, _("Videos (showings)")), INT, width=10, total=True),
        Column("participants", (_("People reached"),), INT, width=11, total=True),
        Column(
            "institutions",
            (THREE_MUSTS, _("Institutions and venues counted")),
            INT,
            width=10,
            total=True,
        ),
        Column(
            "three_musts_complete",
            (THREE_MUSTS, _("Three musts complete")),
            INT,
            width=12,
            total=True,
        ),
    ),
)


def working_group_rows(context: ReportContext):
    return working_group(context.user, context.unit).iterator()


def progress_rows(context: ReportContext):
    rows, _total = progress_table(context.user, context.since)
    return rows


def publicity_rows(context: ReportContext):
    week = context.week
    return publicity_table(context.user, week.first_day, week.last_day).rows


DISTRICT_ATTACHMENTS: dict[int, Attachment] = {
    1: Attachment(1, WORKING_GROUP, working_group_rows),
    2: Attachment(2, PROGRESS, progress_rows),
    5: Attachment(5, PUBLICITY, publicity_rows),
}


def build_attachment(number: int, context: ReportContext, workbook: Workbook | None = None):
    """The workbook of attachment ``number`` for ``context`` (KeyError for an unknown one)."""
    attachment = DISTRICT_ATTACHMENTS[number]
    return render_table(
        attachment.table,
        attachment.rows(context),
        unit_name=context.unit.name if context.unit else "",
        report_date=context.report_date,
        workbook=workbook,
    )
