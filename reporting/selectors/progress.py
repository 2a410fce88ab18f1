"""附件2 screening progress per township, and the 附件1 working group.

Screening figures reuse the "四看" review's definitions (``screening.selectors.four_looks``):
"screened" is a SUBMITTED visit dated on or after the campaign start. "Risks found" (发现风险
隐患) are the institutions whose approved level is red, orange or yellow: the rows of the
红橙黄 list (附件3) and the red, orange and yellow of the results (附件6), one set counted
three times. The screening progress is the screened among the institutions and venues on
the registry (a share of them, never above 100 %); the civil-affairs statistics' count is
set beside it with the difference, as the "四看" review asks (二看).

回头看 (district §二(二)一: 根据"回头看"情况，填报…（附件2）; 确保5月底前完成复查工作; issue
20): the institutions on the registry re-checked in the look-back round, as the rounds page
counts them (``screening.selectors.rounds``: a SUBMITTED visit of the round dated on or after
the round's start, or the campaign start when no window is set), as of the cut-off; the
progress is the re-checked among those on the registry, never above 100 %; the deadline is
the round's window in force for the township at the cut-off (the county's, a city's as
default), with the days left or overdue at the cut-off's date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Count, Q

from accounts.models import OrgUnit
from core import clock
from core.asof import recorded_by
from institutions.models import Institution
from risklists.levels import LIST_LEVELS
from risklists.selectors import approved_q
from screening.models import ScreeningRound
from screening.selectors.four_looks import TownshipAt, submitted_visits, township_review
from screening.selectors.rounds import windows_at

from ..models import WorkingGroupMember

# --- 附件2 screening progress ------------------------------------------------------------------


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
    look_back_done: int = 0  # 回头看: on the registry and re-checked in the round
    look_back_deadline: date | None = None  # the round's deadline (None: no window set)
    as_of: date | None = None  # the day the figures stand at (the cut-off's date)

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
        "look_back_done",
    )

    @property
    def look_back_to_do(self) -> int:
        return max(self.on_registry - self.look_back_done, 0)

    @property
    def days_left(self) -> int | None:
        """Days from the figures' date to the look-back deadline (0 on the day itself);
        None when no deadline is set or it has passed."""
        if self.look_back_deadline is None or self.as_of is None:
            return None
        days = (self.look_back_deadline - self.as_of).days
        return days if days >= 0 else None

    @property
    def days_overdue(self) -> int | None:
        """Days past the deadline with institutions still to re-check; None otherwise."""
        if self.look_back_deadline is None or self.as_of is None or not self.look_back_to_do:
            return None
        days = (self.as_of - self.look_back_deadline).days
        return days if days > 0 else None


def progress_table(
    user, since: date, townships=None, cutoff: datetime | None = None
) -> tuple[list[ProgressRow], ProgressRow]:
    """附件2 figures per township at ``cutoff`` (None: now): the "四看" review's figures, the
    newly found and the risks found."""
    chosen = townships is not None
    at = TownshipAt(cutoff)
    review = township_review(user, since, townships=townships, cutoff=cutoff, at=at)
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
    institutions, key = at.group(Institution.objects.visible_to(user).as_of(cutoff), rows, chosen)
    with_risks = (
        institutions.filter(approved_q(LIST_LEVELS, cutoff))
        .values(key)
        .annotate(risks_found=Count("pk"))
        .order_by()
    )
    for figures in with_risks:
        row = rows.get(figures[key])
        if row is not None:
            row.risks_found = figures["risks_found"]

    look_back(user, rows, chosen, since, cutoff, at)

    as_of = clock.localdate(cutoff)  # today when None
    # The total's civil-affairs count and difference are left to the sheet, which sums the
    # rows' (``reporting.xlsx.district.PROGRESS``); nothing else reads them.
    total = ProgressRow(None, as_of=as_of)
    for row in rows.values():
        for name in ProgressRow.FIGURES:
            setattr(total, name, getattr(total, name) + getattr(row, name))
    total.look_back_deadline = shared_deadline(rows.values())
    return list(rows.values()), total


def shared_deadline(rows) -> date | None:
    """The look-back deadline of ``rows`` when they all have the same one (a county's)."""
    deadlines = {row.look_back_deadline for row in rows}
    return deadlines.pop() if len(deadlines) == 1 else None


def look_back(
    user, rows: dict, chosen: bool, since: date, cutoff: datetime | None, at: TownshipAt
) -> None:
    """Fill each row's 回头看 figures: the window in force at the cut-off (one query) and the
    institutions re-checked since each window's start (one grouped query), each in the
    township it belonged to at the cut-off."""
    as_of = clock.localdate(cutoff)  # today when None
    windows = windows_at(user, [row.township.path for row in rows.values()], cutoff)
    starts = {}
    for pk, row in rows.items():
        window = windows[row.township.path].get(ScreeningRound.LOOK_BACK)
        row.as_of = as_of
        row.look_back_deadline = window.ends_on if window is not None else None
        starts[pk] = window.starts_on if window is not None else since
    if not rows:
        return
    distinct = sorted(set(starts.values()))
    names = {start: f"look_back_{index}" for index, start in enumerate(distinct)}
    visits = submitted_visits(cutoff).visible_to(user).filter(round=ScreeningRound.LOOK_BACK)
    institutions, key = at.group(Institution.objects.visible_to(user).as_of(cutoff), rows, chosen)
    groups = (
        institutions.values(key)
        .annotate(
            **{
                name: Count(
                    "pk",
                    filter=Q(
                        pk__in=visits.filter(visited_on__gte=start)
                        .order_by()
                        .values("institution_id")
                    ),
                )
                for start, name in names.items()
            }
        )
        .order_by()
    )
    for figures in groups:
        pk = figures[key]
        if pk in rows:
            rows[pk].look_back_done = figures[names[starts[pk]]]


# --- 附件1 working group -----------------------------------------------------------------------


def working_group(user, unit: OrgUnit, cutoff: datetime | None = None):
    """The members of ``unit``'s working group, those entered by ``cutoff``."""
    return (
        WorkingGroupMember.objects.visible_to(user)
        .filter(recorded_by(cutoff), unit=unit)
        .in_group_order()
    )
