"""附件2 screening progress per township, and the 附件1 working group.

Screening figures reuse the "四看" review's definitions (``screening.selectors.four_looks``):
"screened" is a SUBMITTED visit dated on or after the campaign start.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Exists, OuterRef, Q

from accounts.models import OrgUnit
from institutions.models import Institution
from screening.models import FundUse, ScreeningVisit, VisitStatus, YesNoUnknown
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
    screened: int = 0
    screened_venues: int = 0
    newly_found: int = 0
    risks_found: int = 0
    incomplete: int = 0
    difference: int | None = None
    candidates_to_verify: int = 0
    new_not_screened: int = 0


def progress_table(user, since: date, townships=None) -> tuple[list[ProgressRow], ProgressRow]:
    """附件2 figures per township: the "四看" review's figures plus newly found and risks."""
    chosen = townships is not None
    review = township_review(user, since, townships=townships)
    rows = {}
    for r in review.rows:
        rows[r.township.pk] = ProgressRow(
            r.township,
            to_screen=r.official_count,
            screened=r.screened,
            newly_found=r.new,
            screened_venues=r.screened_venues,
            incomplete=r.screened_incomplete,
            difference=r.difference,
            candidates_to_verify=r.candidates_to_verify,
            new_not_screened=r.not_screened_new,
        )
    # The visit test in WHERE (a semi-join), not in an aggregate's FILTER, where PostgreSQL
    # would cost a probe per institution (and compile the query) at province size.
    risky = Exists(
        ScreeningVisit.objects.filter(
            institution=OuterRef("pk"), status=VisitStatus.SUBMITTED, visited_on__gte=since
        ).filter(risk_found_q())
    )
    with_risks = (
        of_townships(Institution.objects.visible_to(user).active(), rows, chosen)
        .filter(risky)
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
        for name in (
            "screened",
            "screened_venues",
            "newly_found",
            "risks_found",
            "incomplete",
            "candidates_to_verify",
            "new_not_screened",
        ):
            setattr(total, name, getattr(total, name) + getattr(row, name))
    if total.to_screen is not None:
        total.difference = total.screened - total.to_screen
    return list(rows.values()), total


# --- 附件1 working group -----------------------------------------------------------------------


def working_group(user, unit: OrgUnit | None = None):
    """The members of ``unit``'s working group (the user's own unit by default)."""
    unit = unit or user.unit
    return WorkingGroupMember.objects.visible_to(user).filter(unit=unit).in_group_order()
