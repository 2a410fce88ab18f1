"""Reads of self-checks (自查自改): the round a township is in, who has handed one in for it
and who has not, per township, and the rectification states a list filters by.

衡山县 §三.一: 要求各养老服务机构对照检查内容，认真开展自查自改. Every active institution and
venue on the registry is asked for one per round of the whole registry (全面摸排, 回头看), as
the rounds' coverage counts them (``selectors/rounds.py``); 暗访督查 visits a sample.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Exists, OuterRef, Q

from accounts.selectors import visible_townships
from core import clock
from institutions.models import Institution

from ..models import CHECK_ITEMS, Rectification, ScreeningRound, SelfCheck
from .rounds import REGISTRY_KINDS, user_windows


def current_round(user, today: date | None = None) -> str:
    """The round of the whole registry whose window has started most recently for the
    user's unit (the county's windows, ``CampaignRound``); the first round before any."""
    today = today or clock.today()
    started = [
        window
        for kind, window in user_windows(user).items()
        if kind in REGISTRY_KINDS and window.starts_on <= today
    ]
    if not started:
        return ScreeningRound.FIRST
    return max(started, key=lambda window: window.starts_on).kind


def _problems_q() -> Q:
    found = Q()
    for name, _label in CHECK_ITEMS:
        found |= Q(**{name: True})
    return found


def rectification_q(state: str, today: date | None = None) -> Q:
    """The self-checks in one rectification state (``SelfCheck.rectification``)."""
    today = today or clock.today()
    problems = _problems_q()
    if state == Rectification.NO_PROBLEM:
        return ~problems
    if state == Rectification.FIXED:
        return problems & Q(fixed_on__isnull=False)
    overdue = Q(fix_by__lt=today)
    if state == Rectification.OVERDUE:
        return problems & Q(fixed_on__isnull=True) & overdue
    return problems & Q(fixed_on__isnull=True) & ~overdue


def handed_in(user, round_kind: str):
    """The self-checks of ``round_kind`` the user sees."""
    return SelfCheck.objects.visible_to(user).filter(round=round_kind)


def missing_self_checks(user, round_kind: str):
    """Active institutions and venues the user sees with no self-check for the round."""
    return (
        Institution.objects.visible_to(user)
        .active()
        .exclude(Exists(SelfCheck.objects.filter(round=round_kind, institution=OuterRef("pk"))))
    )


@dataclass
class TownshipSelfChecks:
    township: object
    institutions: int = 0
    handed_in: int = 0

    @property
    def missing(self) -> int:
        return max(self.institutions - self.handed_in, 0)


def township_summary(user, round_kind: str) -> list[TownshipSelfChecks]:
    """Per visible township: institutions asked, self-checks handed in for the round; one
    grouped query whatever the number of townships."""
    rows = {t.pk: TownshipSelfChecks(t) for t in visible_townships(user)}
    done = Exists(SelfCheck.objects.filter(round=round_kind, institution=OuterRef("pk")))
    groups = (
        Institution.objects.visible_to(user)
        .active()
        .values("township_id")
        .annotate(n=Count("pk"), done=Count("pk", filter=done))
        .order_by()
    )
    for figures in groups:
        row = rows.get(figures["township_id"])
        if row is not None:
            row.institutions, row.handed_in = figures["n"], figures["done"]
    return list(rows.values())
