"""The district plan's attachment tables (区县方案 附件1–6), each declared once.

Titles are the published template pack's; the columns are our reading of what the plan asks
for (docs/policy-trace.md, part A, 加强信息报送).
A table is an ``Attachment``: its declaration (``Table``) and the function that yields its
rows for a ``ReportContext``. Per-township tables (附件2, 5, 6) are short lists; the
per-institution tables (附件3 the 红橙黄 list, 附件4 the disposal progress) stream their
rows from the database, a constant number of queries whatever their length.
"""

from __future__ import annotations

import functools

from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook

from core.xlsx.spec import Column, ColumnType, Table, ratio, serial_column
from core.xlsx.writer import render_table

from ..reconcile import PackFigures
from ..selectors import (
    ProgressRow,
    PublicityFigures,
    ResultFigures,
    disposal_progress_rows,
    progress_table,
    publicity_table,
    results_table,
    risk_list_rows,
    under_disposal_refunds,
    working_group,
)
from ..selectors.common import action_summaries
from .attachments import (
    Attachment,
    ReportContext,
    render_attachment,
    township_name,
    write_attachment,
)

INT, MONEY, PERCENT, TEXT, DATE = (
    ColumnType.INT,
    ColumnType.MONEY,
    ColumnType.PERCENT,
    ColumnType.TEXT,
    ColumnType.DATE,
)

__all__ = [
    "DISTRICT_ATTACHMENTS",
    "Attachment",
    "ReportContext",
    "build_attachment",
    "render_table",
    "write_attachment",
]


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
LOOK_BACK = _("Look-back re-check")
PROGRESS = Table(
    code="district_2",
    sheet_title="附件2",
    title=_("Progress of the screening of elder-care service fraud risks"),
    frozen_columns=2,
    # Fits one page width at 9-point text (core.xlsx.writer.print_scale), as 附件6.
    columns=(
        serial_column(_("Serial no.")),
        Column("township", (_("Township (street)"),), width=12, value=township_name),
        Column(
            "to_screen",
            (SCREENING, _("Institutions per civil-affairs statistics")),
            INT,
            width=13,
            total=True,
        ),
        Column(
            "on_registry",
            (SCREENING, _("On the registry")),
            INT,
            width=10,
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
            value=lambda r: ratio(r.screened, r.on_registry),
            total=lambda sums: ratio(sums["screened"], sums["on_registry"]),
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
        # 根据"回头看"情况，填报…（附件2）; 确保5月底前完成复查工作 (district §二(二)一, issue 20):
        # after the template's columns, so that they keep their places.
        Column("look_back_done", (LOOK_BACK, _("Re-checked")), INT, width=9, total=True),
        Column(
            "look_back_to_do",
            (LOOK_BACK, _("Still to re-check")),
            INT,
            width=9,
            total=lambda sums: max(sums["on_registry"] - sums["look_back_done"], 0),
        ),
        Column(
            "look_back_progress",
            (LOOK_BACK, _("Re-check progress")),
            PERCENT,
            width=9,
            value=lambda r: ratio(min(r.look_back_done, r.on_registry), r.on_registry),
            total=lambda sums: ratio(
                min(sums["look_back_done"], sums["on_registry"]), sums["on_registry"]
            ),
        ),
        Column("look_back_deadline", (LOOK_BACK, _("Re-check deadline")), DATE, width=11),
        Column("days_left", (LOOK_BACK, _("Days left")), INT, width=7),
        Column("days_overdue", (LOOK_BACK, _("Days overdue")), INT, width=7),
    ),
)

# --- 附件3 养老服务诈骗风险隐患“红橙黄”风险管控名单 ---

PREPAYMENTS = _("Prepayments collected")
RESPONSIBILITY = _("Responsibility")
RISK_LIST_COLUMNS = (
    serial_column(_("Serial no.")),
    Column("township", (_("Township (street)"),), width=12, value=township_name),
    Column("name", (_("Institution or venue"),), width=24),
    Column("credit_code", (_("Unified social credit code"),), width=21),
    Column("registration", (_("Registration"),), width=12),
    Column("legal_representative", (_("Legal representative (operator)"),), width=11),
    Column("address", (_("Address"),), width=24),
    Column("beds", (_("Beds"),), INT, width=7, total=True),
    Column("residents", (_("Residents"),), INT, width=8, total=True),
    Column("prepayment_total", (PREPAYMENTS, _("Amount (yuan)")), MONEY, width=13, total=True),
    Column("prepayment_payers", (PREPAYMENTS, _("Payers")), INT, width=7, total=True),
    Column("level", (_("Risk level"),), width=9),  # 风险等级 on one line
    Column("risk_description", (_("Risk description"),), width=40),
    Column("measures", (_("Control measures"),), width=36),
    Column("measures_units", (RESPONSIBILITY, _("Responsible unit")), width=12),
    Column("responsible", (RESPONSIBILITY, _("Responsible person")), width=10),
    Column("deadline", (RESPONSIBILITY, _("Time limit")), DATE, width=11),
)
RISK_LIST = Table(
    code="district_3",
    sheet_title="附件3",
    title=_("Red, orange and yellow risk control list of elder-care service fraud risks"),
    frozen_columns=3,
    columns=RISK_LIST_COLUMNS,
)

# --- 附件4 养老服务诈骗风险隐患分类处置工作进度表 ---

DISPOSAL_MEASURES = _("Disposal measures")
DISPOSAL_PROGRESS = _("Disposal progress")
REFUNDS = _("Refunds (yuan)")
DISPOSAL = Table(
    code="district_4",
    sheet_title="附件4",
    title=_("Progress of the classified disposal of elder-care service fraud risks"),
    frozen_columns=3,
    columns=(
        serial_column(_("Serial no.")),
        Column("township", (_("Township (street)"),), width=12, value=township_name),
        Column("name", (_("Institution or venue"),), width=24),
        Column("level", (_("Risk level"),), width=9),  # 风险等级 on one line
        Column("measures", (DISPOSAL_MEASURES, _("Measures the level requires")), width=32),
        Column("plan", (DISPOSAL_MEASURES, _("One institution, one plan")), width=32),
        Column("measures_units", (_("Responsible unit"),), width=12),
        Column("responsible", (_("Responsible person"),), width=10),
        Column("deadline", (_("Time limit"),), DATE, width=11),
        Column("actions_total", (DISPOSAL_PROGRESS, _("Measures")), INT, width=7, total=True),
        Column("actions_done", (DISPOSAL_PROGRESS, _("Carried out")), INT, width=7, total=True),
        Column(
            "progress",
            (DISPOSAL_PROGRESS, _("Progress")),
            PERCENT,
            width=8,
            value=lambda r: ratio(r["actions_done"], r["actions_total"]),
            total=lambda sums: ratio(sums["actions_done"], sums["actions_total"]),
        ),
        Column("refund_due", (REFUNDS, _("Due")), MONEY, width=12, total=True),
        Column("refunded", (REFUNDS, _("Refunded")), MONEY, width=12, total=True),
        Column("result", (_("Disposal result"),), width=10),
    ),
)

# --- 附件5 打击整治养老诈骗专项行动宣传统计表 ---

THREE_INTO = _("Three into (places)")
FOUR_SEEN = _("Four seen")
THREE_MUSTS = _("Three musts")
THREE_MUSTS_ITEMS = _("Three musts by item")
NOTICES = _("Notices on guarding against elder-care fraud")
PUBLICITY = Table(
    code="district_5",
    sheet_title="附件5",
    title=_("Publicity statistics of the special campaign against elder-care fraud"),
    frozen_columns=2,
    # Its first 14 columns (the district template's and 衡山县's) fit one page width at
    # 9-point text; the "三必须" items and 全覆盖 print on a second page across
    # (core.xlsx.writer.print_scale), the serial and township repeated.
    columns=(
        serial_column(_("Serial no.")),
        Column("township", (_("Township (street)"),), width=10, value=township_name),
        Column("activities", (_("Activities held"),), INT, width=9, total=True),
        Column("in_villages", (THREE_INTO, _("Into villages")), INT, width=9, total=True),
        Column("in_communities", (THREE_INTO, _("Into communities")), INT, width=9, total=True),
        Column("in_institutions", (THREE_INTO, _("Into institutions")), INT, width=10, total=True),
        Column("posters", (FOUR_SEEN, _("Posters (sheets)")), INT, width=10, total=True),
        Column("banners", (FOUR_SEEN, _("Banners (pieces)")), INT, width=10, total=True),
        Column("leaflets", (FOUR_SEEN, _("Leaflets (copies)")), INT, width=10, total=True),
        Column("videos", (FOUR_SEEN, _("Videos (showings)")), INT, width=10, total=True),
        Column("participants", (_("People reached"),), INT, width=9, total=True),
        Column(
            "institutions",
            (THREE_MUSTS, _("Institutions and venues counted")),
            INT,
            width=9,
            total=True,
        ),
        Column(
            "three_musts_complete",
            (THREE_MUSTS, _("Three musts complete")),
            INT,
            width=10,
            total=True,
        ),
        # 衡山县方案 §二.四: 走进公园、走进广场等老年人聚集的场所. Last, so that the district
        # template's columns keep their places and copy across to the paper form one for one.
        Column(
            "in_gathering_places",
            (_("Into parks, squares and other places where elders gather"),),
            INT,
            width=10,
            total=True,
        ),
        # 区县方案 "三必须" item by item, and 全覆盖 (in all institutions): after the
        # district template's columns, for the same reason.
        Column(
            "poster_displayed",
            (THREE_MUSTS_ITEMS, _("Poster displayed")),
            INT,
            width=9,
            total=True,
        ),
        Column(
            "notice_to_every_resident",
            (THREE_MUSTS_ITEMS, _("Notice to every resident")),
            INT,
            width=9,
            total=True,
        ),
        Column(
            "commitment_letter_signed",
            (THREE_MUSTS_ITEMS, _("Commitment letter signed")),
            INT,
            width=9,
            total=True,
        ),
        Column(
            "full_coverage",
            (THREE_MUSTS_ITEMS, _("Full coverage")),
            PERCENT,
            width=9,
            value=lambda r: ratio(r.three_musts_complete, r.institutions),
            total=lambda sums: ratio(sums["three_musts_complete"], sums["institutions"]),
        ),
        # 要向每一位住养老人或家属发放防范养老服务诈骗告知书: the notices and their signed
        # receipts (回执) counted against the elders housed, from each institution's latest
        # visit (issue 20); last, for the same reason.
        Column(
            "residents_housed",
            (NOTICES, _("Elders housed (persons)")),
            INT,
            width=9,
            total=True,
        ),
        Column(
            "notices_handed_out",
            (NOTICES, _("Notices handed out (copies)")),
            INT,
            width=9,
            total=True,
        ),
        Column(
            "receipts_collected",
            (NOTICES, _("Receipts signed (copies)")),
            INT,
            width=9,
            total=True,
        ),
        Column(
            "notice_coverage",
            (NOTICES, _("Share of elders given the notice")),
            PERCENT,
            width=9,
            value=lambda r: ratio(r.notices_handed_out, r.residents_housed),
            total=lambda sums: ratio(sums["notices_handed_out"], sums["residents_housed"]),
        ),
    ),
)


# --- 附件6 打击整治养老服务诈骗专项行动战果统计表 ---

SCREENED = _("Institutions and venues screened")
RISKS = _("Risks found by level")
LEADS = _("Leads")
ELDERS = _("Elders")
ZEROING = _("Zeroing campaign progress")
RESULTS = Table(
    code="district_6",
    sheet_title="附件6",
    title=_("Results of the special campaign against elder-care service fraud"),
    frozen_columns=2,
    # Its first 16 columns (the district template's) fit one page width at 9-point text
    # (core.xlsx.writer.print_scale); the 清零 progress prints on a second page across.
    notes=(
        _(
            "Note: cumulative from the start of the campaign to the end of the reporting "
            "week. Cases filed add up the weekly reports the townships submitted."
        ),
    ),
    columns=(
        serial_column(_("Serial no.")),
        Column("township", (_("Township (street)"),), width=10, value=township_name),
        # Together wide enough for 排查养老服务机构和场所 on one line of their group header.
        Column("screened", (SCREENED, _("Total")), INT, width=10, total=True),
        Column(
            "screened_venues",
            (SCREENED, _("Of which unregistered “black institutions”")),
            INT,
            width=13,
            total=True,
        ),
        Column("red", (RISKS, _("Red")), INT, width=6, total=True),
        Column("orange", (RISKS, _("Orange")), INT, width=6, total=True),
        Column("yellow", (RISKS, _("Yellow")), INT, width=6, total=True),
        Column("rectified", (_("Rectified"),), INT, width=9, total=True),
        Column("closed_or_banned", (_("Closed or banned"),), INT, width=9, total=True),
        Column("transferred", (_("Transferred to other authorities"),), INT, width=9, total=True),
        Column("cases_filed", (_("Cases filed"),), INT, width=7, total=True),
        Column("leads_received", (LEADS, _("Leads received")), INT, width=7, total=True),
        Column("leads_closed", (LEADS, _("Leads closed")), INT, width=7, total=True),
        Column("funds_refunded", (_("Funds refunded (10,000 yuan)"),), MONEY, width=10, total=True),
        Column("elders_resettled", (ELDERS, _("Resettled")), INT, width=8, total=True),
        Column("elders_assisted", (ELDERS, _("Assisted")), INT, width=8, total=True),
        # 清零行动 progress (衡山县方案), after the district template's columns so that they
        # keep their places: these print on a second page across.
        Column("on_ledger", (ZEROING, _("Venues on the ledger")), INT, width=9, total=True),
        Column("crossed_off", (ZEROING, _("Crossed off")), INT, width=9, total=True),
        Column("ledger_open", (ZEROING, _("Still open")), INT, width=9, total=True),
    ),
)


def working_group_rows(context: ReportContext):
    return working_group(context.user, context.unit, cutoff=context.cutoff).iterator()


def figures_of(context: ReportContext) -> PackFigures:
    """What the pack's tables counted, for ``reconcile`` (kept as the tables are written)."""
    return context.cached("figures", PackFigures)


def _progress(context: ReportContext):
    return progress_table(context.user, context.since, cutoff=context.cutoff)


def _results(context: ReportContext):
    table = results_table(
        context.user,
        context.since,
        context.week,
        cutoff=context.cutoff,
        refunds=refunds_of(context),
    )
    if context.cutoff is None or context.cutoff < context.week.deadline:
        # Not due yet (or no cut-off): nobody is late, nothing to mark.
        for row in table.rows:
            row.reported = None
    return table


def _refunds(context: ReportContext):
    return under_disposal_refunds(context.user, context.cutoff, context.since)


def _action_summaries(context: ReportContext):
    return action_summaries(context.user, cutoff=context.cutoff)


def _publicity(context: ReportContext):
    week = context.week
    return publicity_table(context.user, week.first_day, week.last_day, cutoff=context.cutoff)


# What several tables of a pack read, each once: computed when first asked, or started
# ahead in the background when the pack begins (``read_ahead``).
READS = {
    "progress": _progress,
    "refunds": _refunds,
    "results": _results,
    "action_summaries": _action_summaries,
    "publicity": _publicity,
}


def read_ahead(context: ReportContext) -> None:
    """Start the pack's shared reads at once, in the background where the database allows
    (``ReportContext.read_ahead``): the database works on them while the first tables are
    written."""
    context.read_ahead({key: functools.partial(read, context) for key, read in READS.items()})
    context.stream_ahead({key: functools.partial(rows, context) for key, rows in STREAMS.items()})


def _read(key: str, context: ReportContext):
    return context.cached(key, functools.partial(READS[key], context))


def progress_of(context: ReportContext):
    return _read("progress", context)


def results_of(context: ReportContext):
    return _read("results", context)


def progress_rows(context: ReportContext):
    rows, total = progress_of(context)
    figures_of(context).progress = (rows, total)
    return listed(rows, ProgressRow.FIGURES)


def refunds_of(context: ReportContext):
    """The refunds of the institutions under disposal: 附件4's per institution, 附件6's sum."""
    return _read("refunds", context)


def action_summaries_of(context: ReportContext):
    return _read("action_summaries", context)


def _risk_list_rows(context: ReportContext):
    return risk_list_rows(
        context.user, summaries=action_summaries_of(context), cutoff=context.cutoff
    )


def _disposal_rows(context: ReportContext):
    return disposal_progress_rows(
        context.user,
        summaries=action_summaries_of(context),
        cutoff=context.cutoff,
        refunds=refunds_of(context),
    )


# The long per-institution tables, read ahead as their rows are written (``stream_ahead``).
STREAMS = {"risk_list_rows": _risk_list_rows, "disposal_rows": _disposal_rows}


def risk_list(context: ReportContext):
    rows = context.rows("risk_list_rows", functools.partial(_risk_list_rows, context))
    return figures_of(context).tally_risk_list(rows)


def disposal_rows(context: ReportContext):
    rows = context.rows("disposal_rows", functools.partial(_disposal_rows, context))
    return figures_of(context).tally_disposal(rows)


def publicity_rows(context: ReportContext):
    table = _read("publicity", context)
    figures_of(context).publicity = table
    reported = {row.township.pk: row.reported for row in results_of(context).rows}
    for row in table.rows:
        row.reported = reported.get(row.township.pk)
    return listed(table.rows, PublicityFigures.SUMMED)


def results_rows(context: ReportContext):
    table = results_of(context)
    figures_of(context).results = table
    return listed(table.rows, ResultFigures.summed())


def listed(rows, names):
    """The per-township rows, or none (the table says 「无」) when nothing at all was
    counted by the cut-off: a week before any data is empty, not zeros."""
    if any(getattr(row, name, None) for row in rows for name in names):
        return rows
    return []


DISTRICT_ATTACHMENTS: dict[int, Attachment] = {
    1: Attachment(1, WORKING_GROUP, working_group_rows),
    2: Attachment(2, PROGRESS, progress_rows),
    3: Attachment(3, RISK_LIST, risk_list),
    4: Attachment(4, DISPOSAL, disposal_rows),
    5: Attachment(5, PUBLICITY, publicity_rows),
    6: Attachment(6, RESULTS, results_rows),
}


def build_attachment(number: int, context: ReportContext, workbook: Workbook | None = None):
    """The workbook of district attachment ``number`` for ``context`` (KeyError if unknown)."""
    return render_attachment(DISTRICT_ATTACHMENTS, number, context, workbook)
