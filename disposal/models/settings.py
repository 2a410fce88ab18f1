"""The county's disposal settings: deadlines per action type (包干到人) and its choices where
the two plans differ (纳入处非机制, whom the 线索通报 goes to). The nearest unit on an
institution's path that has a setting decides; every change is kept in the history."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ..levels import ActionType
from ..querysets import DeadlineSettingQuerySet


class DeadlineSetting(models.Model):
    """A county's deadline, in days, for one action type (defaults in ``levels.py``)."""

    unit = models.ForeignKey(
        "accounts.OrgUnit",
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    action_type = models.CharField(_("action"), max_length=32, choices=ActionType.choices)
    days = models.PositiveSmallIntegerField(_("days to complete"))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])
    objects = DeadlineSettingQuerySet.as_manager()

    class Meta:
        verbose_name = _("action deadline")
        verbose_name_plural = _("action deadlines")
        ordering = ["unit", "action_type"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "action_type"], name="one_deadline_per_unit_and_action"
            )
        ]

    def __str__(self):
        return f"{self.unit} · {self.get_action_type_display()} · {self.days}"


# Whom the 线索通报 action goes to: 区县方案 二(二)三 向属地人民政府和政法部门进行线索通报 (the
# default); 衡山县 §一.三 及时向县民政局养老股通报. The plans' own words, proposed as data.
DISTRICT_NOTIFICATION_RECIPIENT = "属地人民政府和政法部门"
HENGSHAN_NOTIFICATION_RECIPIENT = "县民政局养老股"


class DisposalPolicy(models.Model):
    """A county's choice where the two plans differ on disposal (defaults: the district plan).

    衡山县 §一.三 enters every orange institution into the local illegal-fundraising
    mechanism (纳入属地非法集资等诈骗防范处置机制); the district plan only those 属于非法集资的.
    The two plans also send the lead notification (线索通报) to different recipients.
    The nearest unit on an institution's path that has a policy decides; every change is
    kept in the history (who, when, what).
    """

    unit = models.OneToOneField(
        "accounts.OrgUnit",
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    mechanism_for_every_orange = models.BooleanField(
        _("every orange institution enters the illegal-fundraising mechanism"),
        default=False,
        help_text=_(
            "衡山县 plan: 纳入属地非法集资等诈骗防范处置机制 for every orange (and red) "
            "institution. Off: the district plan, only when the records show signs of illegal "
            "fundraising."
        ),
    )
    lead_notification_recipient = models.CharField(
        _("recipient of the lead notification"),
        max_length=200,
        blank=True,
        help_text=_(
            "Proposed as “to or with whom” on every lead notification (线索通报). Empty: the "
            "district plan's 属地人民政府和政法部门."
        ),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])
    objects = DeadlineSettingQuerySet.as_manager()

    class Meta:
        verbose_name = _("disposal policy")
        verbose_name_plural = _("disposal policies")
        ordering = ["unit"]

    def __str__(self):
        return str(self.unit)

    @property
    def notification_recipient(self) -> str:
        """Whom the 线索通报 goes to: the county's setting, else the district plan's."""
        return self.lead_notification_recipient or DISTRICT_NOTIFICATION_RECIPIENT
