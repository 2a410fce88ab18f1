"""What the county section must see first (衡山县 §二.二: 发现重大案件线索、重大风险隐患，要第一时间
向县民政局养老股报告).

Two things reach it at once, without waiting for a township to submit anything: an
institution the engine now proposes RED that has not been reviewed yet (and was not red
already), and a lead a township marked as a major case lead that is not handled yet. The
panel shows their counts and the newest few, in two queries whatever their number.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Window

from institutions.models import Institution
from risklists.levels import Level
from risklists.models import ReviewState
from screening.models import Lead, LeadStatus

# A proposal nobody has reviewed: computed (proposed) or submitted, neither approved nor
# returned.
UNREVIEWED = (ReviewState.PROPOSED, ReviewState.SUBMITTED)
# A major lead needs attention until it is handled (查办).
MAJOR_OPEN = (LeadStatus.RECEIVED, LeadStatus.VERIFIED)
SHOWN = 5


@dataclass
class Attention:
    red_count: int = 0
    red: list = field(default_factory=list)
    major_count: int = 0
    major: list = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.red_count + self.major_count


def sees_attention_panel(user) -> bool:
    """The county section (养老股) of a county or above."""
    return user.is_authenticated and user.can_review and user.is_county_level


def new_red_proposals(user):
    """Institutions whose latest proposal is RED, not yet reviewed, and not red already."""
    return (
        Institution.objects.visible_to(user)
        .active()
        .filter(rating__proposal__level=Level.RED, rating__proposal__state__in=UNREVIEWED)
        .exclude(rating__approved_level=Level.RED)
        .select_related("township", "rating__proposal")
        .order_by("-rating__proposal__computed_at", "pk")
    )


def open_major_leads(user):
    """Leads a township marked major (重大案件线索) and nobody has handled yet, newest first."""
    return (
        Lead.objects.visible_to(user)
        .filter(is_major=True, status__in=MAJOR_OPEN)
        .select_related("unit", "institution")
        .order_by("-major_since", "-pk")
    )


def _first_and_count(queryset, shown: int) -> tuple[list, int]:
    """The first ``shown`` rows and the number of all rows, in one query (a window count)."""
    rows = list(queryset.annotate(all_rows=Window(Count("pk")))[:shown])
    return rows, rows[0].all_rows if rows else 0


def needs_attention(user, shown: int = SHOWN) -> Attention | None:
    """The county's "needs attention now" panel (two queries); None for anyone else."""
    if not sees_attention_panel(user):
        return None
    red, red_count = _first_and_count(new_red_proposals(user), shown)
    major, major_count = _first_and_count(open_major_leads(user), shown)
    return Attention(red_count=red_count, red=red, major_count=major_count, major=major)
