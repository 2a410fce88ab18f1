"""The 清零行动 ledger: every unregistered venue, its responsible person and its outcome.

区县方案·四是实施"清零行动": 对排查出的未经登记擅自开展养老服务活动的场所，要挂图作战，
对账销号，包干到人，确保清零。其中，…运营比较平稳，没有收取大额预付费的，督促其尽快办理登记；
…收取大额预付费，运营存在较大风险的，责令退还资金，协同属地市场监管等部门联合执法查处，该关停的关停。

A venue is on the ledger whether or not it has an entry row yet; the row is created the
first time someone assigns it or crosses it off, and stays when the venue gets registered.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.scoping import ScopedModel


class TargetOutcome(models.TextChoices):
    """衡山县 §一.三 / 区县方案·清零行动: 督促登记 for a venue that houses elders, operates
    stably and took no large prepayment; 责令退还资金… for one that took large prepayments;
    any other venue (no elders housed, not stable, or not yet known) is judged one by one
    (综合研判，一院一策) until the township answers what the plan asks."""

    REGISTER = "register", _("Urge registration")
    REFUND_AND_CLOSE = "refund_and_close", _("Order refunds, joint enforcement, close down or ban")
    ASSESS = "assess", _("Assess case by case")


class ZeroingStatus(models.TextChoices):
    OPEN = "open", _("Not started")
    IN_PROGRESS = "in_progress", _("Being handled")
    CROSSED_OFF = "crossed_off", _("Crossed off")


class Outcome(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    CLOSED = "closed", _("Closed down")
    BANNED = "banned", _("Banned")
    TRANSFERRED = "transferred", _("Transferred")


class ZeroingEntry(ScopedModel):
    institution = models.OneToOneField(
        "institutions.Institution",
        verbose_name=_("venue"),
        on_delete=models.PROTECT,
        related_name="zeroing",
    )
    responsible_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible person"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="zeroing_entries",
    )
    responsible_name = models.CharField(
        _("responsible person (name)"),
        max_length=50,
        blank=True,
        help_text=_("When the person has no login: their name and post."),
    )
    # 运营比较平稳: the township's judgement (None: not yet judged, the rating's reading
    # stands: stable unless it found an orange or red risk).
    stable = models.BooleanField(_("operating stably"), null=True, blank=True)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=ZeroingStatus.choices,
        default=ZeroingStatus.OPEN,
        db_index=True,
    )
    target_outcome = models.CharField(
        _("target outcome"),
        max_length=20,
        choices=TargetOutcome.choices,
        blank=True,
        help_text=_("As it stood when the venue was crossed off."),
    )
    outcome = models.CharField(
        _("zeroing outcome"), max_length=16, choices=Outcome.choices, blank=True
    )
    outcome_on = models.DateField(_("outcome reached on"), null=True, blank=True)
    transfer = models.ForeignKey(
        "disposal.Transfer",
        verbose_name=_("transfer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    crossed_off_on = models.DateField(_("crossed off on"), null=True, blank=True)
    crossed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("crossed off by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Crossed off while its elders were still owed money: only by the county section, with
    # its reason (e.g. transferred to the police with the refund claim), and what was owed.
    owed_when_crossed_off = models.DecimalField(
        _("still owed to elders when crossed off (yuan)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
    )
    owed_reason = models.TextField(_("why crossed off while money is still owed"), blank=True)
    notes = models.TextField(_("notes"), blank=True)

    history = HistoricalRecords(excluded_fields=["scope_path", "updated_at"])

    class Meta:
        verbose_name = _("zeroing ledger entry")
        verbose_name_plural = _("zeroing ledger")
        ordering = ["institution"]

    def __str__(self):
        return f"{self.institution} · {self.get_status_display()}"

    @property
    def is_crossed_off(self) -> bool:
        return self.status == ZeroingStatus.CROSSED_OFF

    @property
    def responsible_display(self) -> str:
        if self.responsible_user_id:
            return str(self.responsible_user)
        return self.responsible_name
