"""What is screened: persons and roles, visits, prepayments, finances, outside records, leads.

Every model here is scoped through the institution it belongs to (``scope_path`` copied
from the institution, or from the importing unit while an outside record is unmatched).
"""

from .determinations import (
    DeterminationResult,
    FundraisingDetermination,
)
from .findings import FindingResolution, SourceKind, StandingFact
from .imports import ImportBatch, ImportKind, ImportStatus
from .leads import Lead, LeadChannel, LeadStatus
from .opinion import OpinionEvent, OpinionLevel, OpinionSource
from .outside import (
    BlacklistEntry,
    BlacklistKind,
    Complaint,
    Lawsuit,
    MatchStatus,
    SharedListEntry,
    SharedListSource,
    Verification,
)
from .people import (
    Person,
    PersonChangeProposal,
    PersonRole,
    PersonRoleKind,
    ProposalStatus,
)
from .plausibility import VisitPlausibility
from .records import (
    Branch,
    ChangeKind,
    FinancialSnapshot,
    PrepaymentKind,
    PrepaymentRecord,
    RegistrationChange,
    RelatedCompany,
)
from .refunds import PrepaymentRefund
from .rounds import CampaignRound
from .self_checks import CHECK_ITEMS, Rectification, SelfCheck
from .spot_checks import DEFAULT_WEIGHTS, SpotCheckDraw, SpotCheckItem, SpotCheckWeights
from .visits import (
    FundUse,
    OfficialCount,
    PendingAttachment,
    ResidentInterview,
    ScreeningRound,
    ScreeningVisit,
    VisitAttachment,
    VisitMethod,
    VisitStatus,
    YesNoUnknown,
)

__all__ = [
    "CHECK_ITEMS",
    "OpinionEvent",
    "OpinionLevel",
    "OpinionSource",
    "Rectification",
    "SelfCheck",
    "VisitPlausibility",
    "PendingAttachment",
    "BlacklistEntry",
    "BlacklistKind",
    "Branch",
    "CampaignRound",
    "ChangeKind",
    "DeterminationResult",
    "FundraisingDetermination",
    "Complaint",
    "FinancialSnapshot",
    "FindingResolution",
    "FundUse",
    "ImportBatch",
    "ImportKind",
    "ImportStatus",
    "Lawsuit",
    "Lead",
    "LeadChannel",
    "LeadStatus",
    "MatchStatus",
    "OfficialCount",
    "Person",
    "PersonChangeProposal",
    "PersonRole",
    "PersonRoleKind",
    "ProposalStatus",
    "PrepaymentKind",
    "PrepaymentRecord",
    "PrepaymentRefund",
    "RegistrationChange",
    "RelatedCompany",
    "ResidentInterview",
    "ScreeningRound",
    "ScreeningVisit",
    "SpotCheckDraw",
    "SpotCheckItem",
    "SpotCheckWeights",
    "DEFAULT_WEIGHTS",
    "SharedListEntry",
    "SharedListSource",
    "SourceKind",
    "StandingFact",
    "VisitAttachment",
    "VisitMethod",
    "Verification",
    "VisitStatus",
    "YesNoUnknown",
]
