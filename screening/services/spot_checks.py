"""Drawing a random sample of institutions for spot checks (衡山县 §三.三 随机检查;
增加抽查检查频次)."""

from __future__ import annotations

import random
import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import OrgUnit, UnitLevel
from institutions.models import Institution

from ..models import SpotCheckDraw, SpotCheckItem
from .rounds import can_set_campaign_rounds

MAX_SIZE = 200
# The levels of the red/orange/yellow list (risklists.models.LIST_LEVELS), by value: the
# rating app builds on screening, not the other way round.
LISTED_LEVELS = ("red", "orange", "yellow")


def can_draw(user) -> bool:
    """The county section draws, as it sets the rounds (督导检查 is the county's)."""
    return can_set_campaign_rounds(user)


def draw_pool(user, township: OrgUnit | None = None, listed_only: bool = False) -> list[int]:
    """The ids the draw is made from, in a stable order: active institutions and venues in
    the user's scope (of ``township``), only those on the list when ``listed_only``."""
    rows = Institution.objects.visible_to(user).active()
    if township is not None:
        rows = rows.filter(township=township)
    if listed_only:
        rows = rows.filter(rating__list_level__in=LISTED_LEVELS)
    return list(rows.order_by("pk").values_list("pk", flat=True))


def sample(pool: list[int], size: int, seed: int) -> list[int]:
    """The draw itself: the same pool, size and seed always give the same list."""
    return random.Random(seed).sample(pool, min(size, len(pool)))  # noqa: S311 - not crypto


def replay(draw: SpotCheckDraw) -> list[int]:
    """The institutions the draw's seed and pool give, to check the recorded list."""
    return sample(draw.pool, draw.size, draw.seed)


@transaction.atomic
def draw_spot_check(
    *,
    user,
    size: int,
    township: OrgUnit | None = None,
    listed_only: bool = False,
    seed: int | None = None,
    note: str = "",
) -> SpotCheckDraw:
    if not can_draw(user):
        raise PermissionDenied(_("Only the county section draws spot checks."))
    if township is not None and (
        township.level != UnitLevel.TOWNSHIP
        or not OrgUnit.objects.visible_to(user).filter(pk=township.pk).exists()
    ):
        raise PermissionDenied(_("This township is outside your unit."))
    if not 1 <= size <= MAX_SIZE:
        raise ValidationError(
            {"size": _("Draw between 1 and %(max)s institutions.") % {"max": MAX_SIZE}}
        )
    pool = draw_pool(user, township, listed_only)
    if not pool:
        raise ValidationError(_("There is no institution or venue to draw from."))
    if seed is None:
        seed = secrets.randbelow(2**53)
    draw = SpotCheckDraw(
        unit=user.unit,
        township=township,
        size=size,
        listed_only=listed_only,
        seed=seed,
        pool=pool,
        note=note.strip(),
        created_by=user,
    )
    draw._history_user = user
    draw.save()
    SpotCheckItem.objects.bulk_create(
        SpotCheckItem(draw=draw, institution_id=pk, position=position)
        for position, pk in enumerate(sample(pool, size, seed), start=1)
    )
    return draw
