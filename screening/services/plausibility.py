"""The county section's settings of the visit plausibility flags (its own unit, in history)."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from ..models import VisitPlausibility
from .rounds import can_set_campaign_rounds


def save_plausibility(*, user, unit, min_minutes: int, max_distance_km) -> VisitPlausibility:
    if not can_set_campaign_rounds(user) or unit.pk != user.unit_id:
        raise PermissionDenied(_("Only the county section sets when a visit is flagged."))
    setting = VisitPlausibility.objects.filter(unit=unit).first() or VisitPlausibility(
        unit=unit, created_by=user
    )
    setting.min_minutes = min_minutes
    setting.max_distance_km = max_distance_km
    setting.full_clean()
    setting._history_user = user
    setting.save()
    return setting
