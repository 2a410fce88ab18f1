"""The list of institutions and persons punished (区县方案 二(三)四) as a spreadsheet, declared
once as data and written by the reports' one writer (``reporting.xlsx``): typed text is
always a text cell, never a formula. ID numbers are masked for roles that do not need them.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.masking import show_id_number
from core.xlsx import Column, ColumnType, Table, render_table, serial_column, workbook_bytes

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PROPOSAL = _("Joint punishment")

PENALTY_TABLE = Table(
    code="penalties",
    sheet_title="惩处名单",
    title=_("Elder-care institutions and staff punished under laws and regulations"),
    totals=False,
    frozen_columns=3,
    columns=(
        serial_column(_("Serial no.")),
        Column("township", (_("Township (street)"),), width=12),
        Column("institution", (_("Institution or venue"),), width=24),
        Column("credit_code", (_("Unified social credit code"),), width=21),
        Column("person_name", (_("Person punished"),), width=10),
        Column("person_id_number", (_("Citizen ID number"),), width=21),
        Column("person_post", (_("Post"),), width=10),
        Column("kind", (_("Kind of punishment"),), width=14),
        Column("ground", (_("Punished for"),), width=18),
        Column("authority", (_("Deciding authority"),), width=20),
        Column("document_number", (_("Document number"),), width=20),
        Column("decided_on", (_("Decided on"),), ColumnType.DATE, width=11),
        Column("summary", (_("Penalty and facts"),), width=40),
        Column("proposed_on", (PROPOSAL, _("Proposed on")), ColumnType.DATE, width=11),
        Column("proposal_note", (PROPOSAL, _("Note")), width=24),
    ),
)


def penalty_rows(penalties: Iterable, user) -> Iterator[dict]:
    for penalty in penalties:
        institution = penalty.institution
        yield {
            "township": institution.township.name if institution.township_id else "",
            "institution": institution.name,
            "credit_code": institution.credit_code,
            "person_name": penalty.person_name,
            "person_id_number": show_id_number(penalty.person_id_number, user),
            "person_post": penalty.person_post,
            "kind": str(penalty.get_kind_display()),
            "ground": str(penalty.get_ground_display()),
            "authority": penalty.authority,
            "document_number": penalty.document_number,
            "decided_on": penalty.decided_on,
            "summary": penalty.summary,
            "proposed_on": penalty.proposed_on,
            "proposal_note": penalty.proposal_note,
        }


def penalties_workbook(penalties: Iterable, user) -> bytes:
    """The rows the user filtered, as .xlsx, with the unit line and the signature footer."""
    workbook = render_table(
        PENALTY_TABLE,
        penalty_rows(penalties, user),
        unit_name=user.unit.name if user.unit_id else "",
        report_date=timezone.localdate(),
    )
    return workbook_bytes(workbook)
