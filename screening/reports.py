"""The leads handling report (报送线索办理情况) as a spreadsheet, declared once as data and
written by the project's one writer (``core.xlsx``)."""

from __future__ import annotations

from dataclasses import replace

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.xlsx import Column, ColumnType, Table, render_table, serial_column, workbook_bytes

from .selectors.lead_handling import SOURCES, STAGES, LeadHandling

LEAD_HANDLING_TABLE = Table(
    code="lead_handling",
    sheet_title="线索办理情况",
    title=_("Handling of leads"),
    frozen_columns=2,
    columns=(
        serial_column(_("Serial no.")),
        Column("name", (_("Township (street)"),), width=14),
        *(
            Column(
                f"{source}_{stage}",
                (label, stage_label),
                ColumnType.INT,
                width=8,
                value=lambda row, key=f"{source}_{stage}": row[key],
                total=True,
            )
            for source, label, _channels in SOURCES
            for stage, stage_label, _day in STAGES
        ),
    ),
)


def lead_handling_workbook(report: LeadHandling, user) -> bytes:
    title = _("Handling of leads, %(first)s to %(last)s") % {
        "first": report.first.isoformat(),
        "last": report.last.isoformat(),
    }
    workbook = render_table(
        replace(LEAD_HANDLING_TABLE, title=title),
        report.rows,
        unit_name=user.unit.bureau_name if user.unit_id else "",
        report_date=timezone.localdate(),
    )
    return workbook_bytes(workbook)
