"""The determinations of illegal fundraising (衡山县 §二.二 调查认定、定性定级、风险评估、
后续处置) as a spreadsheet, declared once as data and written by the one writer
(``core.xlsx``): typed text is always a text cell, never a formula. Every particular of
each determination, more than the list's columns."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from django.utils.translation import gettext_lazy as _

from core.xlsx import Column, ColumnType, Table, serial_column

DETERMINATION_TABLE = Table(
    code="fundraising_determinations",
    sheet_title="非法集资调查认定",
    title=_("Determinations of illegal fundraising"),
    totals=False,
    frozen_columns=3,
    columns=(
        serial_column(_("Serial no.")),
        Column("township", (_("Township (street)"),), width=12),
        Column("institution", (_("Institution or venue"),), width=24),
        Column("credit_code", (_("Unified social credit code"),), width=21),
        Column("authority", (_("Determining authority"),), width=22),
        Column("document_number", (_("Document number"),), width=20),
        Column("determined_on", (_("Determined on"),), ColumnType.DATE, width=11),
        Column("result", (_("Result"),), width=14),
        Column("qualification", (_("Nature and grade"),), width=30),
        Column("risk_assessment", (_("Risk assessment"),), width=30),
        Column("follow_up", (_("Follow-up handling"),), width=30),
        Column("recorded_by", (_("Recorded by"),), width=10),
    ),
)


def determination_rows(determinations: Iterable) -> Iterator[dict]:
    for determination in determinations:
        institution = determination.institution
        yield {
            "township": institution.township.name if institution.township_id else "",
            "institution": institution.name,
            "credit_code": institution.credit_code,
            "authority": determination.authority,
            "document_number": determination.document_number,
            "determined_on": determination.determined_on,
            "result": str(determination.get_result_display()),
            "qualification": determination.qualification,
            "risk_assessment": determination.risk_assessment,
            "follow_up": determination.follow_up,
            "recorded_by": str(determination.recorded_by),
        }
