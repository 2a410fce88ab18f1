"""Reads of the 清零 ledger: which venues are on it, each venue's target outcome (from its
rating), the rows of the ledger's page and what one venue's page shows. Each is a constant
number of set-based queries, whatever the number of rows."""

from __future__ import annotations

from django.db.models import Q

from institutions.models import Institution, RegistrationStatus
from risklists.engine import Findings
from risklists.selectors import rating_findings

from ..levels import ActionType
from ..models import DisposalAction, TargetOutcome, Transfer, ZeroingEntry
from .records import refund_totals


def houses_elders(residents) -> bool | None:
    """已经收住老年人: from the registry's 在住老人数 (None: not known yet)."""
    return None if residents is None else residents > 0


def operating_stably(findings: Findings, judged: bool | None) -> bool:
    """运营比较平稳: the township's judgement on the ledger entry when it made one, else the
    rating's reading (no orange or red risk found)."""
    return judged if judged is not None else not findings.serious_risk


def target_outcome(findings: Findings, *, residents=None, stable: bool | None = None) -> str:
    """区县方案·清零行动 and 衡山县 §一.三: 责令退还资金, 联合执法, 关停/取缔 when the venue took
    large prepayments; 督促登记 when it houses elders (``residents``), operates stably
    (``stable``: the township's judgement, else the rating's) and took none; otherwise
    综合研判 case by case. ``findings`` are the rating's
    (``risklists.selectors.rating_findings``), counted with the county's thresholds in force:
    disposal never reads the records twice."""
    if findings.large_prepayment:
        return TargetOutcome.REFUND_AND_CLOSE
    if houses_elders(residents) and operating_stably(findings, stable):
        return TargetOutcome.REGISTER
    return TargetOutcome.ASSESS


def target_of(institution, findings: Findings) -> str:
    """The target outcome of a venue (its registry row and its ledger entry, when loaded)."""
    entry = getattr(institution, "zeroing", None)
    return target_outcome(
        findings,
        residents=institution.residents,
        stable=entry.stable if entry is not None else None,
    )


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


def ledger_list(user):
    """The ledger as its page lists it: township, village and entry joined, by township."""
    return (
        zeroing_ledger(user)
        .select_related("township", "village", "zeroing", "zeroing__responsible_user")
        .order_by("township__path", "name")
    )


def ledger_row(institution, findings: Findings) -> dict:
    entry = getattr(institution, "zeroing", None)
    registered = institution.registration_status != RegistrationStatus.UNREGISTERED
    target = target_of(institution, findings)
    return {
        "institution": institution,
        "entry": entry,
        "target": target,
        "target_label": TargetOutcome(target).label,
        "large_prepayment": findings.large_prepayment,
        "houses_elders": houses_elders(institution.residents),
        "stable": operating_stably(findings, entry.stable if entry is not None else None),
        "stable_judged": entry is not None and entry.stable is not None,
        "registered": registered,
        "crossed_off": bool(entry and entry.is_crossed_off),
    }


def ledger_rows(institutions: list) -> list[dict]:
    """One row per venue: its entry, and its target outcome from its rating (one read of the
    ratings for the whole page)."""
    findings = rating_findings(institutions)
    return [ledger_row(institution, findings[institution.pk]) for institution in institutions]


def venue_on_ledger(user, institution) -> dict:
    """What a venue's ledger page shows besides its forms: its entry (who is in charge, who
    crossed it off, the transfer), its row, its transfers, its refunds owed, and the
    follow-up check once it is registered."""
    row = ledger_rows([institution])[0]
    entry = (
        ZeroingEntry.objects.visible_to(user)
        .filter(institution=institution)
        .select_related("responsible_user", "crossed_off_by", "transfer")
        .first()
    )
    return {
        "entry": entry,
        "row": row,
        "transfers": list(Transfer.objects.visible_to(user).filter(institution=institution)),
        "refunds": refund_totals([institution.pk])[institution.pk],
        "follow_up": DisposalAction.objects.visible_to(user)
        .filter(institution=institution, action_type=ActionType.FOLLOW_UP_CHECK)
        .first(),
    }
