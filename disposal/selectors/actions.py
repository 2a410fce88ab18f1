"""Reads of disposal cases and their actions that need thought: the boards (figures overall
and per township, the lists that need attention, the key cases), the actions a case has and
the per-institution summary. Each is a constant number of set-based queries, whatever the
number of rows."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.models import OrgUnit
from core.db import fetch_shaped
from institutions.models import Institution
from risklists.levels import LEVELS_DOWN, Level, rank_expression

from ..levels import ActionType
from ..models import (
    Assistance,
    DisposalAction,
    DisposalCase,
    InstitutionPlan,
    Penalty,
    Resettlement,
    Transfer,
    ZeroingEntry,
    ZeroingStatus,
)
from ..querysets import OPEN_STATUSES, end_of_week
from .penalties import PenaltyFigures, penalty_figures
from .records import RefundTotals, refund_reads, refund_totals_of
from .zeroing import zeroing_ledger


@dataclass
class BoardFigures:
    open_by_level: dict = field(default_factory=dict)
    open_total: int = 0
    overdue: int = 0
    due_this_week: int = 0
    level_lowered: int = 0
    unassigned: int = 0
    follow_up: int = 0
    zeroing_total: int = 0
    zeroing_crossed_off: int = 0

    @property
    def zeroing_percent(self) -> int:
        if not self.zeroing_total:
            return 0
        return round(100 * self.zeroing_crossed_off / self.zeroing_total)


def _action_counts(today):
    is_open = Q(status__in=OPEN_STATUSES)
    counts = {
        f"open_{level}": Count("pk", filter=is_open & Q(case__level=level)) for level in Level
    }
    counts.update(
        open_total=Count("pk", filter=is_open),
        overdue=Count("pk", filter=is_open & Q(deadline__lt=today)),
        due_this_week=Count(
            "pk",
            filter=is_open & Q(deadline__gte=today, deadline__lte=end_of_week(today)),
        ),
        level_lowered=Count("pk", filter=is_open & Q(level_lowered_on__isnull=False)),
        unassigned=Count(
            "pk", filter=is_open & Q(responsible_user__isnull=True, responsible_name="")
        ),
        follow_up=Count("pk", filter=is_open & Q(action_type=ActionType.FOLLOW_UP_CHECK)),
    )
    return counts


def _fill(figures: BoardFigures, row: dict):
    figures.open_by_level = {level: row.get(f"open_{level}", 0) for level in LEVELS_DOWN}
    names = ("open_total", "overdue", "due_this_week", "level_lowered", "unassigned", "follow_up")
    for name in names:
        setattr(figures, name, row.get(name, 0) or 0)


def board(user, today: date | None = None):
    """The figures of the user's board, and one row per township below the user's unit."""
    today = today or timezone.localdate()
    actions = DisposalAction.objects.visible_to(user)
    total = BoardFigures()
    _fill(total, actions.aggregate(**_action_counts(today)))

    per_township = {}
    townships = list(OrgUnit.objects.visible_to(user).townships().order_by("path"))
    for unit in townships:
        per_township[unit.pk] = BoardFigures(open_by_level=dict.fromkeys(LEVELS_DOWN, 0))
    for row in actions.values("institution__township").annotate(**_action_counts(today)).order_by():
        if row["institution__township"] in per_township:
            _fill(per_township[row["institution__township"]], row)

    crossed = Q(zeroing__status=ZeroingStatus.CROSSED_OFF)
    for row in (
        zeroing_ledger(user)
        .values("township")
        .annotate(n=Count("pk"), crossed=Count("pk", filter=crossed))
        .order_by()
    ):
        total.zeroing_total += row["n"]
        total.zeroing_crossed_off += row["crossed"]
        if row["township"] in per_township:
            per_township[row["township"]].zeroing_total = row["n"]
            per_township[row["township"]].zeroing_crossed_off = row["crossed"]
    rows = [(unit, per_township[unit.pk]) for unit in townships]
    return total, rows


def board_lists(user, today: date | None = None, limit: int = 15):
    """The actions a board lists: overdue, due this week, level lowered (one query each);
    the actions of key cases (攻坚行动) first."""
    today = today or timezone.localdate()
    actions = DisposalAction.objects.visible_to(user).for_list()
    key_first = "-case__is_key"
    return {
        "overdue": list(actions.overdue(today).order_by(key_first, "deadline", "pk")[:limit]),
        "due_this_week": list(
            actions.due_this_week(today).order_by(key_first, "deadline", "pk")[:limit]
        ),
        "level_lowered": list(
            actions.level_lowered().order_by(key_first, "level_lowered_on", "pk")[:limit]
        ),
    }


def key_cases(user, today: date | None = None, limit: int = 20):
    """区县方案 二(二)五 攻坚行动: the key cases the user sees, most serious level first, each
    with its open and overdue actions; one query, whatever the number of cases."""
    today = today or timezone.localdate()
    is_open = Q(actions__status__in=OPEN_STATUSES)
    return list(
        DisposalCase.objects.visible_to(user)
        .filter(is_key=True)
        .select_related("institution", "institution__township")
        .annotate(
            rank=rank_expression(),
            open_actions=Count("actions", filter=is_open),
            overdue_actions=Count("actions", filter=is_open & Q(actions__deadline__lt=today)),
        )
        .order_by("-rank", "institution__township__path", "institution__name", "pk")[:limit]
    )


@dataclass
class BoardPage:
    total: BoardFigures
    townships: list
    lists: dict
    key_cases: list
    penalties: PenaltyFigures
    is_county: bool


def board_page(user, today: date | None = None) -> BoardPage:
    """Everything a board shows: the figures, the lists that need attention, the key cases
    and the line on penalties. A board over several townships (the county's) has a row per
    township; a township's has none."""
    today = today or timezone.localdate()
    total, townships = board(user, today)
    lists = board_lists(user, today)
    is_county = user.is_county_level or len(townships) > 1
    return BoardPage(
        total=total,
        townships=townships if is_county else [],
        lists=lists,
        key_cases=key_cases(user, today),
        penalties=penalty_figures(user),
        is_county=is_county,
    )


def action_types(user, institution) -> set[str]:
    """The action types ``institution`` already has, among the actions the user sees."""
    return set(
        DisposalAction.objects.visible_to(user)
        .filter(institution=institution)
        .values_list("action_type", flat=True)
    )


# --- one institution --------------------------------------------------------------------


@dataclass
class InstitutionSummary:
    case: object = None
    actions: list = field(default_factory=list)
    open_actions: int = 0
    done_actions: int = 0
    refunds: RefundTotals = field(default_factory=RefundTotals)
    plan: object = None
    zeroing: object = None
    counts: dict = field(default_factory=dict)


def institution_summary(institution, today: date | None = None) -> InstitutionSummary:
    """What the institution page's disposal panel shows, in one query."""
    today = today or timezone.localdate()

    def count(model, **conditions):
        rows = model.objects.filter(institution=OuterRef("pk"), **conditions).order_by()
        return Coalesce(
            Subquery(rows.values("institution").annotate(n=Count("pk")).values("n")[:1]), 0
        )

    def build(pk):
        return [
            DisposalAction.objects.filter(institution=pk)
            .select_related("case", "responsible_user")
            .order_by("deadline", "pk"),
            *refund_reads([pk]),
            InstitutionPlan.objects.filter(institution=pk).order_by("-version")[:1],
            # Counted apart: joining the four tables would multiply their rows.
            Institution.objects.filter(pk=pk)
            .annotate(
                n_resettled=count(Resettlement),
                n_assisted=count(Assistance),
                n_transfers=count(Transfer),
                n_penalties=count(Penalty, withdrawn_at__isnull=True),
            )
            .values("n_resettled", "n_assisted", "n_transfers", "n_penalties"),
            ZeroingEntry.objects.filter(institution=pk).order_by("pk")[:1],
        ]

    actions, refunds, plans, counts, zeroing = fetch_shaped(
        ("disposal.institution_summary",), build, institution.pk
    )
    summary = InstitutionSummary(
        case=actions[0].case if actions else None,
        actions=actions,
        open_actions=sum(a.is_open for a in actions),
        done_actions=sum(a.status == "done" for a in actions),
        refunds=refund_totals_of([institution.pk], refunds)[institution.pk],
        plan=plans[0] if plans else None,
        zeroing=zeroing[0] if zeroing else None,
        counts=counts[0] if counts else {},
    )
    for action in actions:
        action.overdue_now = action.is_overdue(today)
    return summary
