"""Disposal (处置): tracked actions per level, the 清零 ledger, refunds, resettlement,
assistance, transfers, the "一院一策" plan and the penalties decided (联合惩戒), and the
county's disposal settings. Every scoped model is scoped like the screening records:
``scope_path`` copied from the institution.

One module per part, and the services, selectors, forms and views of the app use the same
names: actions, settings, records, zeroing, penalties. Django loads the models from here."""

from .actions import ActionEvidence, ActionStatus, DisposalAction, DisposalCase
from .penalties import LISTED_GROUNDS, Penalty, PenaltyGround, PenaltyKind
from .records import (
    Assistance,
    AssistanceKind,
    Authority,
    DestinationKind,
    InstitutionPlan,
    Resettlement,
    Transfer,
    expected_authority,
)
from .settings import DeadlineSetting, DisposalPolicy
from .zeroing import Outcome, TargetOutcome, ZeroingEntry, ZeroingStatus

__all__ = [
    "ActionEvidence",
    "ActionStatus",
    "Assistance",
    "AssistanceKind",
    "Authority",
    "DeadlineSetting",
    "DestinationKind",
    "DisposalAction",
    "DisposalCase",
    "DisposalPolicy",
    "InstitutionPlan",
    "LISTED_GROUNDS",
    "Outcome",
    "Penalty",
    "PenaltyGround",
    "PenaltyKind",
    "Resettlement",
    "TargetOutcome",
    "Transfer",
    "ZeroingEntry",
    "ZeroingStatus",
    "expected_authority",
]
