"""附件2 screening progress per township, and the 附件1 working group.

Screening figures reuse the "四看" review's definitions (``screening.selectors.four_looks``):
"screened" is a SUBMITTED visit dated on or after the campaign start. "Risks found" (发现风险
隐患) are the institutions whose approved level is red, orange or yellow: the rows of the
红橙黄 list (附件3) and the red, orange and yellow of the results (附件6), one set counted
three times. The screening progress is the screened among the institutions and venues on
the registry (a share of them, never above 100 %); the civil-affairs statistics' count is
set beside it with the difference, as the "四看" review asks (二看).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Count, Q

from accounts.models import OrgUnit
from core.asof import recorded_by
from institutions.models import Institution
from risklists.levels import LIST_LEVELS
from risklists.selectors import approved_q
from screening.models import FundUse, YesNoUnknown
from screening.selectors.four_looks import of_townships, township_review

from ..models import WorkingGroupMember

# --- 附件2 screening progress ------------------------------------------------------------------


def risk_found_q() -> Q:
    """A visit that found a risk: large prepayments or any of the red-list findings."""
    return (
        Q(large_prepayment_found=YesNoUnknown.YES)
        | Q(fund_use=FundUse.IRREGULAR)
        | Q(promised_returns=True)
        | Q(false_advertising=True)
        | Q(suspected_crime=True)
        | Q(collapsed=True)
        | Q(public_opinion=True)
    )


@dataclass
class ProgressRow:
    township: OrgUnit | None
    to_screen: int | None = None  # the civil-affairs statistics' count, when entered
    on_registry: int = 0  # active institutions and venues on the registry
    screened: int = 0
    screened_venues: int = 0
    newly_found: int = 0
    risks_found: int = 0
    incomplete: int = 0
    difference: int | None = None
    candidates_to_verify: int = 0
    new_not_screened: int = 0

    # The figures the table adds up (``to_screen`` and ``difference`` may be None).
    FIGURES = (
        "on_registry",
        "screened",
        "screened_venues",
        "newly_found",
        "risks_found",
        "incomplete",
        "candidates_to_verify",
        "new_not_screened",
    )


def progress_table(
    user, since: date, townships=None, cutoff: datetime | None = None
) -> tuple[list[ProgressRow], ProgressRow]:
    """附件2 figures per township at ``cutoff`` (None: now): the "四看" review's figures, the
    newly found and the risks found."""
    chosen = townships is not None
    review = township_review(user, since, townships=townships, cutoff=cutoff)
    rows = {}
    for r in review.rows:
        rows[r.township.pk] = ProgressRow(
            r.township,
            to_screen=r.official_count,
            on_registry=r.institutions,
            screened=r.screened,
            newly_found=r.new,
            screened_venues=r.screened_venues,
            incomplete=r.screened_incomplete,
            difference=r.difference,
            candidates_to_verify=r.candidates_to_verify,
            new_not_screened=r.not_screened_new,
        )
    with_risks = (
        of_townships(Institution.objects.visible_to(user).as_of(cutoff), rows, chosen)
        .filter(approved_q(LIST_LEVELS, cutoff))
        .values("township_id")
        .annotate(risks_found=Count("pk"))
        .order_by()
    )
    for figures in with_risks:
        row = rows.get(figures["township_id"])
        if row is not None:
            row.risks_found = figures["risks_found"]

    total = ProgressRow(None, to_screen=review.total.official_count)
    for row in rows.values():
        for name in ProgressRow.FIGURES:
            setattr(total, name, getattr(total, name) + getattr(row, name))
    if total.to_screen is not None:
        total.difference = total.screened - total.to_screen
    return list(rows.values()), total


# --- 附件1 working group -----------------------------------------------------------------------


def working_group(user, unit: OrgUnit | None = None, cutoff: datetime | None = None):
    """The members of ``unit``'s working group (the user's own unit by default), those
    entered by ``cutoff``."""
    unit = unit or user.unit
    return (
        WorkingGroupMember.objects.visible_to(user)
        .filter(recorded_by(cutoff), unit=unit)
        .in_group_order()
    )
