"""Disposal (处置): tracked actions per level, the 清零 ledger, refunds, resettlement,
assistance, transfers, the "一院一策" plan and the penalties decided (联合惩戒). Every model is
scoped like the screening records: ``scope_path`` copied from the institution."""

from risklists.levels import Level

from ..levels import ActionType
from .actions import (
    ActionEvidence,
    ActionStatus,
    DeadlineSetting,
    DisposalAction,
    DisposalCase,
    DisposalPolicy,
)
from .penalties import LISTED_GROUNDS, Penalty, PenaltyGround, PenaltyKind
from .support import (
    Assistance,
    AssistanceKind,
    Authority,
    DestinationKind,
    InstitutionPlan,
    RefundPlan,
    RefundRecord,
    Resettlement,
    Transfer,
    expected_authority,
)
from .zeroing import Outcome, TargetOutcome, ZeroingEntry, ZeroingStatus

__all__ = [
    "ActionEvidence",
    "ActionStatus",
    "ActionType",
    "Assistance",
    "AssistanceKind",
    "Authority",
    "DeadlineSetting",
    "DestinationKind",
    "DisposalAction",
    "DisposalCase",
    "DisposalPolicy",
    "InstitutionPlan",
    "Level",
    "LISTED_GROUNDS",
    "Outcome",
    "Penalty",
    "PenaltyGround",
    "PenaltyKind",
    "RefundPlan",
    "RefundRecord",
    "Resettlement",
    "TargetOutcome",
    "Transfer",
    "ZeroingEntry",
    "ZeroingStatus",
    "expected_authority",
]
