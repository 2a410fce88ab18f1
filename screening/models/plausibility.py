"""When a visit looks implausible (issue 15, item 6; 四不两直 is about real visits).

The county section sets, for its unit, how short a visit's form time may be and how far from
the institution's known position the phone may be before the "四看" review flags the visit
for follow-up. The nearest unit on a township's path that set them decides; the defaults are
5 minutes and 2 km. Nothing is refused: a flag asks a person to look.
"""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.scoping import ScopedModel

from .rounds import UnitSettingQuerySet

DEFAULT_MIN_MINUTES = 5
DEFAULT_MAX_DISTANCE_KM = Decimal("2")


class VisitPlausibility(ScopedModel):
    unit = models.OneToOneField(
        "accounts.OrgUnit",
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        related_name="visit_plausibility",
    )
    min_minutes = models.PositiveSmallIntegerField(
        _("shortest plausible visit (minutes of form time)"),
        default=DEFAULT_MIN_MINUTES,
        validators=[MinValueValidator(1), MaxValueValidator(240)],
    )
    max_distance_km = models.DecimalField(
        _("farthest plausible distance from the institution (km)"),
        max_digits=5,
        decimal_places=1,
        default=DEFAULT_MAX_DISTANCE_KM,
        validators=[MinValueValidator(Decimal("0.1")), MaxValueValidator(Decimal("100"))],
    )

    history = HistoricalRecords(excluded_fields=["scope_path", "updated_at"])
    objects = UnitSettingQuerySet.as_manager()

    class Meta:
        verbose_name = _("visit plausibility settings")
        verbose_name_plural = _("visit plausibility settings")

    def __str__(self):
        return f"{self.unit} · {self.min_minutes} min · {self.max_distance_km} km"

    def scope_source(self):
        return self.unit.path
