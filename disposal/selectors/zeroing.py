"""Reads of the 清零 ledger: which venues are on it, and each venue's target outcome (from its
rating). Each is a constant number of set-based queries, whatever the number of rows."""

from __future__ import annotations

from django.db.models import Q

from institutions.models import Institution, RegistrationStatus
from risklists.engine import Findings

from ..models import TargetOutcome


def target_outcome(findings: Findings) -> str:
    """区县方案·清零行动: 督促登记 when stable without large prepayments; else 责令退还资金,
    联合执法, 关停/取缔. ``findings`` are the rating's (``risklists.selectors.rating_findings``),
    counted with the county's thresholds in force: disposal never reads the records twice."""
    return TargetOutcome.REFUND_AND_CLOSE if findings.large_prepayment else TargetOutcome.REGISTER


def zeroing_ledger(user):
    """Every venue on the ledger the user sees: unregistered venues on the registry, and
    every institution that has a ledger entry (a venue crossed off stays on it)."""
    return Institution.objects.visible_to(user).filter(on_ledger_q())


def on_ledger_q() -> Q:
    """On the ledger: an unregistered venue on the registry, a venue with a ledger entry, or a
    former venue registered since (it stays until crossed off, 对账销号)."""
    former_venues = Institution.history.filter(
        registration_status=RegistrationStatus.UNREGISTERED
    ).values("id")
    return (
        Q(registration_status=RegistrationStatus.UNREGISTERED, archived_at__isnull=True)
        | Q(zeroing__isnull=False)
        | (Q(pk__in=former_venues) & ~Q(registration_status=RegistrationStatus.UNREGISTERED))
    )
