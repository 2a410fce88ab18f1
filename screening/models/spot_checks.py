"""Random spot checks (随机检查, 抽查): a reproducible draw of institutions to visit
(衡山县 §三.三).

衡山县 §三.三: 暗访督查阶段…采取突击检查、随机检查、"四不两直"等多种方式，加强督导检查; and the
yellow action 增加抽查检查频次 (区县方案 三是实行"四级"分类处置). The county section draws N
active institutions and
venues, of one township or the whole county, optionally only those on the red/orange/yellow
list. The draw keeps its seed and the pool it was drawn from (the ids in order), so anyone
can replay it and get the same list: nobody chose by hand. A draw is never edited or
deleted; its history names who drew it and when.
"""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.models import path_ids
from core.scoping import ScopedModel, ScopedQuerySet

from .rounds import UnitSettingQuerySet


class SpotCheckQuerySet(ScopedQuerySet):
    def visible_to(self, user):
        """Draws in the user's subtree, and the county-wide draws of the user's county (a
        township reads those too, and sees its own institutions in them)."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self.all()
        if user.unit_id is None:
            return self.none()
        path = user.unit.path
        return self.filter(
            Q(scope_path__startswith=path) | Q(unit_id__in=path_ids(path), township__isnull=True)
        )


class SpotCheckDraw(ScopedModel):
    unit = models.ForeignKey(
        "accounts.OrgUnit", verbose_name=_("drawn for"), on_delete=models.PROTECT, related_name="+"
    )
    township = models.ForeignKey(
        "accounts.OrgUnit",
        verbose_name=_("township / street"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Empty: the whole county."),
    )
    size = models.PositiveSmallIntegerField(_("number asked"))
    listed_only = models.BooleanField(
        _("only red, orange or yellow"),
        default=False,
        help_text=_("Only institutions on the red/orange/yellow list (增加抽查检查频次)."),
    )
    weighted = models.BooleanField(
        _("weighted by level"),
        default=False,
        help_text=_("Institutions of a higher level are drawn more often (增加抽查检查频次)."),
    )
    seed = models.PositiveBigIntegerField(_("seed"))
    # The ids the draw was made from, in order: with the seed, the draw can be replayed.
    pool = models.JSONField(_("pool"), default=list, editable=False)
    # A weighted draw: the weight of each id of the pool, in the same order (replayable too).
    weights = models.JSONField(_("weights"), default=list, editable=False)
    note = models.CharField(_("purpose"), max_length=200, blank=True)

    history = HistoricalRecords(excluded_fields=["scope_path", "updated_at", "pool", "weights"])
    objects = SpotCheckQuerySet.as_manager()

    class Meta:
        verbose_name = _("spot-check draw")
        verbose_name_plural = _("spot-check draws")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} · {self.township or self.unit} · {self.size}"

    def scope_source(self):
        return (self.township or self.unit).path

    def get_absolute_url(self):
        return reverse("screening:spot_check_detail", args=[self.pk])


class SpotCheckItem(models.Model):
    """One institution drawn, at its place in the draw."""

    draw = models.ForeignKey(
        SpotCheckDraw, verbose_name=_("draw"), on_delete=models.PROTECT, related_name="items"
    )
    institution = models.ForeignKey(
        "institutions.Institution",
        verbose_name=_("institution"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    position = models.PositiveSmallIntegerField(_("order"))

    class Meta:
        verbose_name = _("institution drawn")
        verbose_name_plural = _("institutions drawn")
        ordering = ["draw", "position"]
        constraints = [
            models.UniqueConstraint(fields=["draw", "institution"], name="drawn_once_per_draw")
        ]

    def __str__(self):
        return f"{self.draw_id} #{self.position}"


# 增加抽查检查频次: a yellow institution is drawn more often than a green one; red and orange,
# already under disposal, more still. The county section may change the weights.
DEFAULT_WEIGHTS = {"red": 3, "orange": 3, "yellow": 2, "green": 1}
WEIGHT_RANGE = [MinValueValidator(1), MaxValueValidator(10)]


class SpotCheckWeights(ScopedModel):
    """How much more often an institution of each level is drawn in a weighted spot check,
    set by the county section for its unit (the nearest unit on a township's path decides)."""

    unit = models.OneToOneField(
        "accounts.OrgUnit",
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        related_name="spot_check_weights",
    )
    red = models.PositiveSmallIntegerField(
        _("red"), default=DEFAULT_WEIGHTS["red"], validators=WEIGHT_RANGE
    )
    orange = models.PositiveSmallIntegerField(
        _("orange"), default=DEFAULT_WEIGHTS["orange"], validators=WEIGHT_RANGE
    )
    yellow = models.PositiveSmallIntegerField(
        _("yellow"), default=DEFAULT_WEIGHTS["yellow"], validators=WEIGHT_RANGE
    )
    green = models.PositiveSmallIntegerField(
        _("green"), default=DEFAULT_WEIGHTS["green"], validators=WEIGHT_RANGE
    )

    history = HistoricalRecords(excluded_fields=["scope_path", "updated_at"])
    objects = UnitSettingQuerySet.as_manager()

    class Meta:
        verbose_name = _("spot-check weights")
        verbose_name_plural = _("spot-check weights")

    def __str__(self):
        return f"{self.unit} · {self.as_dict()}"

    def scope_source(self):
        return self.unit.path

    def as_dict(self) -> dict[str, int]:
        return {level: getattr(self, level) for level in DEFAULT_WEIGHTS}
