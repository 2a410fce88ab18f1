"""Reads of the records kept per institution: refunds to elders (from the one refund ledger,
``screening.selectors.refunds``) and the versions of the "一院一策" plan."""

from __future__ import annotations

from screening.selectors.refunds import (
    RefundTotals,
    ledger_reads,
    ledger_totals,
    ledger_totals_of,
    payer_ledgers,
)

from ..models import InstitutionPlan

__all__ = [
    "RefundTotals",
    "plan_versions",
    "refund_reads",
    "refund_totals",
    "refund_totals_of",
    "refunds_with_payments",
]


def refund_totals(institution_ids, as_of=None, since=None) -> dict[int, RefundTotals]:
    """Per institution: what its elders paid in (``due``), what was refunded to them, what is
    still owed. ``institution_ids``: ids, or a queryset (then only those with payments).
    ``as_of`` (a date, or a moment such as a pack's cut-off): the payments and refunds dated
    on or before it, and for a moment entered by then; ``since``: refunds on or after it (a
    campaign's, a period's). The figures every page and table shows (one query)."""
    return ledger_totals(institution_ids, as_of=as_of, since=since)


def refund_reads(institution_ids, as_of=None) -> list:
    """``refund_totals``'s reads, to fetch with others in one round trip (``refund_totals_of``
    adds them up)."""
    return ledger_reads(institution_ids, as_of=as_of)


def refund_totals_of(institution_ids, rows) -> dict[int, RefundTotals]:
    return ledger_totals_of(institution_ids, rows)


def refunds_with_payments(user, institution):
    """The elders who paid ``institution`` (the records the user sees), each with their
    payments, refunds and what is still owed; and the totals. Two queries."""
    return payer_ledgers(user, institution)


def plan_versions(user, institution) -> list:
    """The versions of an institution's "一院一策" plan the user sees, the latest first."""
    return list(
        InstitutionPlan.objects.visible_to(user)
        .filter(institution=institution)
        .select_related("created_by")
        .order_by("-version")
    )
