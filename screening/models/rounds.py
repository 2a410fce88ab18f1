"""The windows of a county's screening rounds (排查轮次的时间安排).

衡山县 §一.二 第五: 各乡镇要在2022年1月20日前，扎实完成本轮摸底排查; §三: 全面摸排阶段(1月20日前),
暗访督查阶段(1月15日-25日). District §二(二)一: 对前期排查工作进行"回头看"…确保5月底前完成复查工作.
Each round a visit can carry (``ScreeningRound``) gets a start and a deadline, set by the county
section for its unit; townships read them. The nearest unit on a township's path that has set a
round decides, so a city may set defaults that a county overrides. Every change is kept in the
history (who, when, the dates before and after).
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.models import path_ids
from core.scoping import ScopedModel, ScopedQuerySet

from .visits import ScreeningRound


class UnitSettingQuerySet(ScopedQuerySet):
    def visible_to(self, user):
        """Settings of the user's unit, its subtree and its ancestors: a township reads the
        county's rounds; only the county section changes them."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self.all()
        if user.unit_id is None:
            return self.none()
        path = user.unit.path
        return self.filter(Q(scope_path__startswith=path) | Q(unit_id__in=path_ids(path)))


class CampaignRound(ScopedModel):
    unit = models.ForeignKey(
        "accounts.OrgUnit",
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    kind = models.CharField(_("round"), max_length=16, choices=ScreeningRound.choices)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(
        _("deadline"), help_text=_("The last day of the round: every visit due by then.")
    )

    history = HistoricalRecords(excluded_fields=["scope_path", "updated_at"])
    objects = UnitSettingQuerySet.as_manager()

    class Meta:
        verbose_name = _("campaign round")
        verbose_name_plural = _("campaign rounds")
        ordering = ["unit", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "kind"], name="one_round_window_per_unit"),
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="round_ends_after_it_starts"
            ),
        ]

    def __str__(self):
        return f"{self.unit} · {self.get_kind_display()} · {self.starts_on}–{self.ends_on}"

    def get_absolute_url(self):
        return reverse("screening:campaign_rounds")

    def clean(self):
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("The deadline cannot be before the start.")})
