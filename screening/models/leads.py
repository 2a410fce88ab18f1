"""Leads (线索) from 12337, 12345 and walk-ins: received → verified → handled → fed back.

区县方案: 对收集到的举报线索进行甄别 … 要及时核实、查办、反馈，并定期向区民政局和属地政法部门
报送线索办理情况.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.scoping import ScopedModel
from core.validators import validate_phone


class LeadChannel(models.TextChoices):
    PLATFORM_12337 = "12337", _("12337 reporting platform")
    HOTLINE_12345 = "12345", _("12345 illegal-finance reporting")
    WALK_IN = "walk_in", _("Walk-in or letter")
    REFERRED = "referred", _("Referred by a higher authority")
    FOUND = "found", _("Found in screening")
    OTHER = "other", _("Other")


class LeadStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    VERIFIED = "verified", _("Verified")
    HANDLED = "handled", _("Handled")
    FED_BACK = "fed_back", _("Fed back")


class Lead(ScopedModel):
    unit = models.ForeignKey(
        "accounts.OrgUnit",
        verbose_name=_("township / street"),
        on_delete=models.PROTECT,
        related_name="leads",
    )
    institution = models.ForeignKey(
        "institutions.Institution",
        verbose_name=_("institution"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="leads",
    )
    channel = models.CharField(_("channel"), max_length=16, choices=LeadChannel.choices)
    reference = models.CharField(_("reference number"), max_length=100, blank=True)
    received_on = models.DateField(_("received on"))
    reporter_name = models.CharField(_("reporter"), max_length=50, blank=True)
    reporter_phone = models.CharField(
        _("reporter's phone"), max_length=32, blank=True, validators=[validate_phone]
    )
    subject = models.CharField(_("subject"), max_length=200)
    content = models.TextField(_("content"))
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=LeadStatus.choices,
        default=LeadStatus.RECEIVED,
        db_index=True,
    )
    is_fraud_related = models.BooleanField(
        _("elder-care fraud related"),
        null=True,
        blank=True,
        help_text=_("The result of verification."),
    )
    verified_on = models.DateField(_("verified on"), null=True, blank=True)
    # Found groundless (查无实据) after it was verified as fraud related: it stops counting
    # for the rating (O2 被投诉举报); the reason is required and kept.
    groundless_on = models.DateField(_("found groundless on"), null=True, blank=True)
    groundless_reason = models.TextField(_("why it is groundless"), blank=True)
    handled_on = models.DateField(_("handled on"), null=True, blank=True)
    fed_back_on = models.DateField(_("fed back on"), null=True, blank=True)
    reported_to_county_on = models.DateField(_("reported to the county on"), null=True, blank=True)
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handler"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="handled_leads",
    )
    result = models.TextField(_("result"), blank=True)
    # 区县方案 二(二)五 攻坚行动: 重点线索, marked by the county section.
    is_key = models.BooleanField(_("key lead"), default=False, db_index=True)
    # 衡山县 §二.二 发现重大案件线索…要第一时间向县民政局养老股报告: the township marks it, and
    # the county section sees it at once on its home page and the risk list.
    is_major = models.BooleanField(
        _("major case lead"),
        default=False,
        db_index=True,
        help_text=_(
            "重大案件线索: the county section sees it at once, at the top of its home page."
        ),
    )
    major_since = models.DateTimeField(_("reported as major at"), null=True, blank=True)

    # The field app's own id of a lead recorded on a phone (core/outbox.py).
    client_id = models.CharField(max_length=64, blank=True, default="", editable=False)

    history = HistoricalRecords(excluded_fields=["scope_path", "updated_at", "client_id"])

    class Meta:
        verbose_name = _("lead")
        verbose_name_plural = _("leads")
        ordering = ["-received_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["created_by", "client_id"],
                condition=~models.Q(client_id=""),
                name="one_lead_per_client_id",
            )
        ]

    def __str__(self):
        return f"{self.subject} ({self.received_on})"

    @property
    def counts_for_rating(self) -> bool:
        """Verified (甄别) as elder-care fraud related and not found groundless since: only
        then does it count as a complaint (O2 被投诉举报)."""
        return (
            self.institution_id is not None
            and self.status != LeadStatus.RECEIVED
            and self.is_fraud_related is True
            and self.groundless_on is None
        )
