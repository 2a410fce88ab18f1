"""What the spot-check pages read (随机检查, 衡山县 §三.三): the draws a user sees and the
institutions of a draw, each with whether it has been visited since. Constant queries per
page."""

from django.db.models import Exists, OuterRef
from django.utils import timezone

from institutions.models import Institution

from ..models import ScreeningVisit, SpotCheckDraw, SpotCheckItem, VisitStatus


def draws(user):
    return (
        SpotCheckDraw.objects.visible_to(user)
        .select_related("unit", "township", "created_by")
        .order_by("-created_at", "-pk")
    )


def draw_items(user, draw: SpotCheckDraw):
    """The draw's institutions the user sees (a township: its own), in the order drawn, with
    ``visited``: a submitted visit dated on or after the day of the draw."""
    since = timezone.localdate(draw.created_at)
    visited = Exists(
        ScreeningVisit.objects.filter(
            institution=OuterRef("institution_id"),
            status=VisitStatus.SUBMITTED,
            visited_on__gte=since,
        )
    )
    return (
        SpotCheckItem.objects.filter(
            draw=draw, institution__in=Institution.objects.visible_to(user).values("pk")
        )
        .select_related("institution", "institution__township", "institution__rating")
        .annotate(visited=visited)
        .order_by("position")
    )
