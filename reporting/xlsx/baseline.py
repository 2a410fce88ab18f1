"""The 衡山县 baseline screening pack (山民发〔2022〕1号 附件1–5), each table declared once.

The plan lists five attachment tables to file with the county's 养老股; this is the same
machinery as the district plan's weekly pack (``district.py``): a ``Table`` per attachment
and the function that yields its rows for a ``ReportContext``. 附件3 (the 红橙黄 list) has
the district list's columns; 附件4 (the screening progress) the district progress table's.
The plan has every table signed by the unit's leader in charge and sealed
(经单位分管领导签字并加盖公章): each carries a 分管领导（签字） line under its footer.
"""

from __future__ import annotations

from dataclasses import replace

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook

from core.xlsx.spec import Column, ColumnType, Table, serial_column
from risklists.engine import Thresholds
from risklists.services import thresholds_in_force

from ..selectors import (
    LARGE_SCALE_BEDS,
    SurveyFigures,
    established_rows,
    survey_table,
    venue_rows,
)
from .attachments import Attachment, ReportContext, render_attachment, township_name
from .district import PROGRESS, RISK_LIST, figures_of, listed, progress_rows, risk_list

INT, MONEY, DATE = ColumnType.INT, ColumnType.MONEY, ColumnType.DATE

# The plan asks about the institutions filed (备案日期) in these years.
ESTABLISHED_FROM, ESTABLISHED_TO = 2019, 2021

# --- 附件1 养老服务领域诈骗风险隐患摸底排查情况统计表 ---

KINDS = _("Institutions and venues (number)")
OWNERSHIP = _("By ownership")
FOCUS = _("Focus of the screening")
RISKS = _("Risks found by level")
SURVEY = Table(
    code="baseline_1",
    sheet_title="附件1",
    title=_("Baseline screening of fraud risks in the elder-care field: statistics"),
    frozen_columns=2,
    leader_signature=True,
    columns=(
        serial_column(_("Serial no.")),
        Column("township", (_("Township (street)"),), width=14, value=township_name),
        Column("total", (KINDS, _("Total")), INT, width=7, total=True),
        Column("filed", (KINDS, _("Filed")), INT, width=7, total=True),
        Column("not_filed", (KINDS, _("Not filed")), INT, width=7, total=True),
        Column("venues", (KINDS, _("Unregistered venues")), INT, width=10, total=True),
        Column("public", (OWNERSHIP, _("Publicly run")), INT, width=7, total=True),
        Column(
            "public_private",
            (OWNERSHIP, _("Publicly built, privately run")),
            INT,
            width=9,
            total=True,
        ),
        Column("private", (OWNERSHIP, _("Privately run")), INT, width=7, total=True),
        Column("ownership_unknown", (OWNERSHIP, _("Not recorded")), INT, width=7, total=True),
        Column(
            "large_scale",
            (FOCUS, format_lazy(_("Large ({beds} beds or more)"), beds=LARGE_SCALE_BEDS)),
            INT,
            width=10,
            total=True,
        ),
        Column(
            "multi_industry",
            (FOCUS, _("Involved in several industries")),
            INT,
            width=10,
            total=True,
        ),
        Column("screened", (_("Screened"),), INT, width=8, total=True),
        Column("red", (RISKS, _("Red")), INT, width=6, total=True),
        Column("orange", (RISKS, _("Orange")), INT, width=6, total=True),
        Column("yellow", (RISKS, _("Yellow")), INT, width=6, total=True),
        Column("risks", (RISKS, _("Total")), INT, width=6, total=True),
    ),
)

# --- 附件2 未经登记从事养老服务经营活动的服务场所风险摸底排查情况统计表 ---

LARGE_PREPAYMENTS = _("Large prepayments")
VENUES = Table(
    code="baseline_2",
    sheet_title="附件2",
    title=_("Baseline screening of the risks of unregistered venues running elder-care services"),
    frozen_columns=3,
    leader_signature=True,
    columns=(
        serial_column(_("Serial no.")),
        Column("township", (_("Township (street)"),), width=12, value=township_name),
        Column("name", (_("Venue name"),), width=24),
        Column("address", (_("Address"),), width=24),
        Column("operator", (_("Operator"),), width=10),
        Column("nature", (_("Nature of the venue"),), width=10),
        Column("residents", (_("Elders housed"),), INT, width=8, total=True),
        Column("large_prepayment", (LARGE_PREPAYMENTS, _("Collected")), width=7),
        Column(
            "large_prepayment_total",
            (LARGE_PREPAYMENTS, _("Amount (yuan)")),
            MONEY,
            width=13,
            total=True,
        ),
        Column(
            "large_prepayment_payers", (LARGE_PREPAYMENTS, _("Payers")), INT, width=7, total=True
        ),
        Column("target_outcome", (_("Target outcome"),), width=22),
        Column("status", (_("Zeroing status"),), width=14),
    ),
)

# --- 附件3 养老服务领域诈骗风险隐患“红橙黄”风险管控名单 ---

BASELINE_RISK_LIST = replace(
    RISK_LIST,
    code="baseline_3",
    sheet_title="附件3",
    title=_("Red, orange and yellow risk control list of fraud risks in the elder-care field"),
    leader_signature=True,
)

# --- 附件4 养老服务领域诈骗风险隐患排查工作进度表 ---

BASELINE_PROGRESS = replace(
    PROGRESS,
    code="baseline_4",
    sheet_title="附件4",
    title=_("Progress of the screening of fraud risks in the elder-care field"),
    leader_signature=True,
)

# --- 附件5 2019-2021年备案养老机构情况摸底表 ---

ESTABLISHED = Table(
    code="baseline_5",
    sheet_title="附件5",
    title=_("Baseline survey of elder-care institutions filed in 2019-2021"),
    frozen_columns=3,
    leader_signature=True,
    columns=(
        serial_column(_("Serial no.")),
        Column("township", (_("Township (street)"),), width=12, value=township_name),
        Column("name", (_("Institution name"),), width=24),
        Column("credit_code", (_("Unified social credit code"),), width=21),
        Column("legal_form", (_("Legal form"),), width=16),
        Column("ownership", (_("Ownership"),), width=10),
        Column("address", (_("Address"),), width=24),
        Column("beds", (_("Beds"),), INT, width=7, total=True),
        Column("residents", (_("Residents"),), INT, width=8, total=True),
        Column("legal_representative", (_("Legal representative"),), width=10),
        Column("principal", (_("Principal"),), width=10),
        Column("established_on", (_("Date established"),), DATE, width=11),
        Column("filed_on", (_("Date filed"),), DATE, width=11),
        Column("filed", (_("Filed status"),), width=12),
    ),
)


def survey_rows(context: ReportContext):
    rows, total = survey_table(context.user, context.window, cutoff=context.cutoff)
    figures_of(context).survey = (rows, total)
    return listed(rows, SurveyFigures.summed())


def venues(context: ReportContext):
    version = thresholds_in_force(context.unit)
    rows = venue_rows(
        context.user,
        thresholds=version.thresholds if version else Thresholds(),
        today=context.report_date,
        cutoff=context.cutoff,
    )
    return figures_of(context).tally_venues(rows)


def established(context: ReportContext):
    return established_rows(context.user, ESTABLISHED_FROM, ESTABLISHED_TO, cutoff=context.cutoff)


BASELINE_ATTACHMENTS: dict[int, Attachment] = {
    1: Attachment(1, SURVEY, survey_rows),
    2: Attachment(2, VENUES, venues),
    3: Attachment(3, BASELINE_RISK_LIST, risk_list),
    4: Attachment(4, BASELINE_PROGRESS, progress_rows),
    5: Attachment(5, ESTABLISHED, established),
}


def build_attachment(number: int, context: ReportContext, workbook: Workbook | None = None):
    """The workbook of baseline attachment ``number`` for ``context`` (KeyError if unknown)."""
    return render_attachment(BASELINE_ATTACHMENTS, number, context, workbook)
