"""Disposal's lists as spreadsheets, declared once as data and written by the one writer
(``core.xlsx``): typed text is always a text cell, never a formula. The penalties (区县方案
二(三)四) with their full particulars; the 清零 ledger, refunds, resettlement, assistance and
transfers as their pages show them. Personal data is masked for roles that do not need it,
as on the pages.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import partial

from django.utils.translation import gettext_lazy as _

from core.exports import list_table
from core.masking import show_id_number, show_phone
from core.xlsx import Column, ColumnType, Table, serial_column

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


# --- the lists of the disposal pages, as their screens show them -------------------------------


def ledger_status(row) -> str:
    """The 清零 status as the ledger's badge says it (disposal/_zeroing_status.html)."""
    entry = row["entry"]
    if row["crossed_off"]:
        day = entry.outcome_on.strftime("%Y-%m-%d") if entry.outcome_on else ""
        return " ".join(filter(None, (str(_("Crossed off")), entry.get_outcome_display(), day)))
    if row["registered"]:
        return str(_("Registered: to cross off"))
    if entry:
        return entry.get_status_display()
    return str(_("Not started"))


def ledger_target(row) -> str:
    return str(row["target_label"])


ZEROING_LEDGER_TABLE = list_table(
    _("Zeroing ledger"),
    (
        Column("venue", (_("Venue"),), width=28, value=lambda row: row["institution"].name),
        Column(
            "township",
            (_("Township / street"),),
            width=12,
            value=lambda row: str(row["institution"].township or ""),
        ),
        Column("target", (_("Target outcome"),), width=30, value=ledger_target),
        Column(
            "responsible",
            (_("Responsible person"),),
            width=14,
            value=lambda row: row["entry"].responsible_display if row["entry"] else "",
        ),
        Column("status", (_("Status"),), width=24, value=ledger_status),
    ),
)


def refund_table(user) -> Table:
    """Refunds to elders as the page shows them (one row per elder, from the refund ledger),
    ID numbers and phones masked likewise."""

    def payments(payer):
        return "\n".join(
            f"{entry.refunded_on:%Y-%m-%d}: {entry.amount:,.2f}" for entry in payer.payments
        )

    return list_table(
        _("Refunds to elders"),
        (
            Column("payer", (_("Elder (payer)"),), width=12, value=lambda p: p.payer_name),
            Column(
                "id_number",
                (_("ID number"),),
                width=21,
                value=lambda p: show_id_number(p.payer_id_number, user),
            ),
            Column(
                "phone",
                (_("Phone number"),),
                width=14,
                value=lambda p: show_phone(p.payer_phone, user),
            ),
            Column("due", (_("Amount due"),), ColumnType.MONEY, 14, lambda p: p.due),
            Column("refunded", (_("Amount refunded"),), ColumnType.MONEY, 14, lambda p: p.refunded),
            Column(
                "outstanding",
                (_("Amount still owed"),),
                ColumnType.MONEY,
                14,
                lambda p: p.outstanding,
            ),
            Column("payments", (_("Refunds paid"),), width=24, value=payments),
        ),
    )


def record_table(title, columns, user) -> Table:
    """Resettlement, assistance or transfers: the page's ``(label, cell(record, user))``
    columns, the same cells."""
    return list_table(
        title,
        (
            Column(f"column{i}", (label,), width=18, value=partial(_record_cell, cell, user))
            for i, (label, cell) in enumerate(columns)
        ),
    )


def _record_cell(cell, user, record):
    return str(cell(record, user))
