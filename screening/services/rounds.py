"""The county section sets the windows of its screening rounds (衡山县 §一.二 第五, §三);
history says who."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import UnitLevel

from ..models import CampaignRound, ScreeningRound

# The units whose section sets the rounds; a township follows its county's.
SETTING_LEVELS = (UnitLevel.PROVINCE, UnitLevel.CITY, UnitLevel.COUNTY)


def can_set_campaign_rounds(user) -> bool:
    return bool(user.is_authenticated and user.can_review and user.is_county_level and user.unit_id)


def require_county_section(user, unit):
    if not user.can_review or not user.is_county_level:
        raise PermissionDenied(_("Only the county section sets the campaign rounds."))
    if not user.is_superuser and (user.unit is None or not unit.path.startswith(user.unit.path)):
        raise PermissionDenied(_("This unit is outside yours."))
    if unit.level not in SETTING_LEVELS:
        raise PermissionDenied(_("Only the county section sets the campaign rounds."))


@transaction.atomic
def save_campaign_rounds(
    *, user, unit, windows: dict[str, tuple[date, date] | None]
) -> list[CampaignRound]:
    """Set, change or clear the window of each round of ``unit``.

    ``windows`` maps a round kind to ``(starts_on, ends_on)``, or to None to clear it; kinds
    not named are left as they are. A window that did not change is not saved again, so the
    history holds real changes only. Returns the rounds saved now.
    """
    require_county_section(user, unit)
    unknown = set(windows) - set(ScreeningRound.values)
    if unknown:
        raise ValidationError(_("Unknown round: %(kinds)s") % {"kinds": ", ".join(sorted(unknown))})
    existing = {r.kind: r for r in CampaignRound.objects.select_for_update().filter(unit=unit)}
    saved = []
    for kind, window in windows.items():
        current = existing.get(kind)
        if window is None:
            if current is not None:
                current._history_user = user
                current.delete()
            continue
        starts_on, ends_on = window
        if current is not None and (current.starts_on, current.ends_on) == (starts_on, ends_on):
            continue
        if current is None:
            current = CampaignRound(unit=unit, kind=kind, created_by=user)
        current.starts_on, current.ends_on = starts_on, ends_on
        current.full_clean()
        current._history_user = user
        current.save()
        saved.append(current)
    return saved
