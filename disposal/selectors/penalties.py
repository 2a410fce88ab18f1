"""Reads of penalties (区县方案 二(三)四 联合惩戒): the list and its export, and the board's
line, one query each."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q

from screening.models import BlacklistEntry, MatchStatus

from ..models import LISTED_GROUNDS, Penalty


def penalties(user):
    """The penalties the user sees, for the list and its export: institution and township
    joined, and whether the subject is already on a blacklist imported from outside (the
    joint-punishment list, once published, comes back as a blacklist import): one query."""
    listed = BlacklistEntry.objects.filter(
        match_status__in=(MatchStatus.MATCHED, MatchStatus.CONFIRMED), removed_on__isnull=True
    ).order_by()
    return (
        Penalty.objects.visible_to(user)
        .for_list()
        .annotate(
            institution_listed=Exists(listed.filter(institution_id=OuterRef("institution_id"))),
            person_listed=Exists(
                listed.filter(id_number=OuterRef("person_id_number")).exclude(id_number="")
            ),
        )
    )


@dataclass
class PenaltyFigures:
    total: int = 0
    proposed: int = 0
    to_propose: int = 0  # punished on the plan's grounds, not yet put forward


def penalty_figures(user) -> PenaltyFigures:
    """The board's line on penalties, in one query (withdrawn ones do not count)."""
    not_proposed = Q(proposed_on__isnull=True)
    row = (
        Penalty.objects.visible_to(user)
        .current()
        .aggregate(
            total=Count("pk"),
            proposed=Count("pk", filter=~not_proposed),
            to_propose=Count("pk", filter=not_proposed & Q(ground__in=LISTED_GROUNDS)),
        )
    )
    return PenaltyFigures(**{name: value or 0 for name, value in row.items()})
