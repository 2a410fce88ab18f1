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

from ..models import SpotCheckDraw, SpotCheckItem, SpotCheckWeights
from ..selectors.spot_checks import weights_for
from .rounds import can_set_campaign_rounds

MAX_SIZE = 200
# The levels of the red/orange/yellow list (risklists.models.LIST_LEVELS), by value: the
# rating app builds on screening, not the other way round.
LISTED_LEVELS = ("red", "orange", "yellow")


def can_draw(user) -> bool:
    """The county section draws, as it sets the rounds (督导检查 is the county's)."""
    return can_set_campaign_rounds(user)


def _candidates(user, township: OrgUnit | None, listed_only: bool):
    rows = Institution.objects.visible_to(user).active()
    if township is not None:
        rows = rows.filter(township=township)
    if listed_only:
        rows = rows.filter(rating__list_level__in=LISTED_LEVELS)
    return rows.order_by("pk")


def draw_pool(user, township: OrgUnit | None = None, listed_only: bool = False) -> list[int]:
    """The ids the draw is made from, in a stable order: active institutions and venues in
    the user's scope (of ``township``), only those on the list when ``listed_only``."""
    return list(_candidates(user, township, listed_only).values_list("pk", flat=True))


def weighted_pool(
    user, weights: dict[str, int], township: OrgUnit | None = None, listed_only: bool = False
) -> tuple[list[int], list[int]]:
    """``(ids, weight of each)``: the pool of ``draw_pool`` with each institution's weight
    from its level (green when it has no rating yet)."""
    ids, pool_weights = [], []
    for pk, level in _candidates(user, township, listed_only).values_list(
        "pk", "rating__list_level"
    ):
        ids.append(pk)
        pool_weights.append(weights.get(level or "green", weights["green"]))
    return ids, pool_weights


def sample(pool: list[int], size: int, seed: int, weights: list[int] | None = None) -> list[int]:
    """The draw itself: the same pool, size, seed (and weights) always give the same list.

    Weighted, without replacement (Efraimidis and Spirakis): each id gets the key
    ``u ** (1 / weight)`` for a uniform ``u`` from the seeded generator, and the ``size``
    largest keys are drawn, so an institution of weight 2 is about twice as likely to be
    drawn as one of weight 1."""
    rng = random.Random(seed)  # noqa: S311 - a reproducible draw, not a secret
    if not weights:
        return rng.sample(pool, min(size, len(pool)))
    keys = [(rng.random() ** (1 / weight), pk) for pk, weight in zip(pool, weights, strict=True)]
    keys.sort(key=lambda item: item[0], reverse=True)
    return [pk for _key, pk in keys[:size]]


def replay(draw: SpotCheckDraw) -> list[int]:
    """The institutions the draw's seed and pool give, to check the recorded list."""
    return sample(draw.pool, draw.size, draw.seed, draw.weights if draw.weighted else None)


def save_weights(*, user, unit: OrgUnit, weights: dict[str, int]) -> SpotCheckWeights:
    """The county section sets how much more often each level is drawn (its own unit)."""
    if not can_draw(user) or unit.pk != user.unit_id:
        raise PermissionDenied(_("Only the county section sets the spot-check weights."))
    setting = SpotCheckWeights.objects.filter(unit=unit).first() or SpotCheckWeights(
        unit=unit, created_by=user
    )
    for level, value in weights.items():
        setattr(setting, level, value)
    setting.full_clean()
    setting._history_user = user
    setting.save()
    return setting


@transaction.atomic
def draw_spot_check(
    *,
    user,
    size: int,
    township: OrgUnit | None = None,
    listed_only: bool = False,
    seed: int | None = None,
    note: str = "",
    weighted: bool = False,
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
    weights: list[int] = []
    if weighted:
        pool, weights = weighted_pool(user, weights_for(user), township, listed_only)
    else:
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
        weighted=weighted,
        weights=weights,
        note=note.strip(),
        created_by=user,
    )
    draw._history_user = user
    draw.save()
    SpotCheckItem.objects.bulk_create(
        SpotCheckItem(draw=draw, institution_id=pk, position=position)
        for position, pk in enumerate(sample(pool, size, seed, weights or None), start=1)
    )
    return draw
