"""What the spot-check pages read (随机检查, 衡山县 §三.三): the draws a user sees and the
institutions of a draw, each with whether it has been visited since. Constant queries per
page."""

from django.db.models import Exists, OuterRef
from django.db.models.functions import Length
from django.utils import timezone

from accounts.models import path_ids
from institutions.models import Institution

from ..models import (
    DEFAULT_WEIGHTS,
    ScreeningVisit,
    SpotCheckDraw,
    SpotCheckItem,
    SpotCheckWeights,
    VisitStatus,
)


def weights_for(user) -> dict[str, int]:
    """The spot-check weights in force for the user's unit: those of the nearest unit on its
    path that set them, else the defaults (红橙 3, 黄 2, 绿 1)."""
    if user.unit_id is None:
        return dict(DEFAULT_WEIGHTS)
    ids = path_ids(user.unit.path)
    nearest = (
        SpotCheckWeights.objects.visible_to(user)
        .filter(unit_id__in=ids)
        .order_by(Length("unit__path").desc())
        .first()
    )
    return nearest.as_dict() if nearest else dict(DEFAULT_WEIGHTS)


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
