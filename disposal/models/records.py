"""What follows a risk for the elders: resettlement, assistance, and the transfers to the
authorities that handle a venue; plus the "一院一策" plan per institution. Refunds to elders
(督促清退资金) are kept in the one refund ledger, against their prepayment records
(``screening.PrepaymentRefund``).

区县方案·五是逐一化解涉稳风险: 老年人需要安置的，要协助妥善安置老年人。对因养老服务诈骗受损的困难
老年人，符合条件的，要依法及时纳入城乡低保、特困供养范围或者给予临时救助等。
"""

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.scoping import ScopedModel
from institutions.models import VenueNature
from institutions.validators import validate_id_number
from screening.models.records import not_in_future

ZERO = Decimal("0")
MONEY = dict(max_digits=14, decimal_places=2)
HISTORY_EXCLUDED = ["scope_path", "updated_at"]


class DestinationKind(models.TextChoices):
    INSTITUTION = "institution", _("Another elder-care institution")
    HOME = "home", _("Back home")
    RELATIVES = "relatives", _("With relatives")
    HOSPITAL = "hospital", _("Hospital")
    OTHER = "other", _("Other")


class Resettlement(ScopedModel):
    """An elder moved out of an institution or venue under disposal (安置)."""

    institution = models.ForeignKey(
        "institutions.Institution",
        verbose_name=_("institution"),
        on_delete=models.PROTECT,
        related_name="resettlements",
    )
    elder_name = models.CharField(_("elder"), max_length=50)
    elder_id_number = models.CharField(
        _("elder's ID number"), max_length=18, blank=True, validators=[validate_id_number]
    )
    destination_kind = models.CharField(
        _("resettled to"), max_length=16, choices=DestinationKind.choices
    )
    destination = models.CharField(
        _("where to"), max_length=200, help_text=_("The institution, address or family.")
    )
    resettled_on = models.DateField(_("resettled on"), validators=[not_in_future])
    notes = models.CharField(_("notes"), max_length=255, blank=True)

    history = HistoricalRecords(excluded_fields=HISTORY_EXCLUDED)

    class Meta:
        verbose_name = _("resettlement of an elder")
        verbose_name_plural = _("resettlement of elders")
        ordering = ["institution", "-resettled_on", "pk"]

    def __str__(self):
        return f"{self.elder_name} → {self.destination}"


class AssistanceKind(models.TextChoices):
    SUBSISTENCE = "subsistence", _("Urban and rural subsistence allowance")
    EXTREME_POVERTY = "extreme_poverty", _("Support for people in extreme poverty")
    TEMPORARY = "temporary", _("Temporary assistance")


class Assistance(ScopedModel):
    """Assistance granted to an elder harmed by the fraud (城乡低保, 特困供养, 临时救助)."""

    institution = models.ForeignKey(
        "institutions.Institution",
        verbose_name=_("institution"),
        on_delete=models.PROTECT,
        related_name="assistance",
    )
    elder_name = models.CharField(_("elder"), max_length=50)
    elder_id_number = models.CharField(
        _("elder's ID number"), max_length=18, blank=True, validators=[validate_id_number]
    )
    kind = models.CharField(_("kind of assistance"), max_length=16, choices=AssistanceKind.choices)
    granted_on = models.DateField(_("granted on"), validators=[not_in_future])
    amount = models.DecimalField(
        _("amount (yuan)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(ZERO)],
        **MONEY,
    )
    notes = models.CharField(_("notes"), max_length=255, blank=True)

    history = HistoricalRecords(excluded_fields=HISTORY_EXCLUDED)

    class Meta:
        verbose_name = _("assistance to an elder")
        verbose_name_plural = _("assistance to elders")
        ordering = ["institution", "-granted_on", "pk"]

    def __str__(self):
        return f"{self.elder_name} · {self.get_kind_display()}"


class Authority(models.TextChoices):
    POLICE = "police", _("Public security (police)")
    MARKET_REGULATION = "market_regulation", _("Market regulation")
    SOCIAL_ORGANISATION = "social_organisation", _("Social-organisation registration authority")


# 衡山县方案: 属民非性质的由社会组织登记管理部门处置，属企业性质的移交市场监管部门. An individual's
# venue is an unlicensed business, which is also market regulation's to handle.
EXPECTED_AUTHORITY = {
    VenueNature.SOCIAL_SERVICE: Authority.SOCIAL_ORGANISATION,
    VenueNature.ENTERPRISE: Authority.MARKET_REGULATION,
    VenueNature.INDIVIDUAL: Authority.MARKET_REGULATION,
}


def expected_authority(institution) -> str:
    """Who a venue is transferred to by its nature; the police when a crime is suspected."""
    return EXPECTED_AUTHORITY.get(institution.venue_nature, Authority.MARKET_REGULATION)


class Transfer(ScopedModel):
    """A hand-over of an institution or venue to the authority that handles it (移交)."""

    institution = models.ForeignKey(
        "institutions.Institution",
        verbose_name=_("institution"),
        on_delete=models.PROTECT,
        related_name="transfers",
    )
    authority = models.CharField(_("transferred to"), max_length=32, choices=Authority.choices)
    receiving_unit = models.CharField(
        _("receiving unit"), max_length=200, blank=True, help_text=_("e.g. 衡山县公安局")
    )
    transferred_on = models.DateField(_("transferred on"), validators=[not_in_future])
    document_number = models.CharField(_("document number"), max_length=100, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    case_filed_on = models.DateField(
        _("case filed on"),
        null=True,
        blank=True,
        validators=[not_in_future],
        help_text=_("When the receiving authority opened a case (立案)."),
    )

    history = HistoricalRecords(excluded_fields=HISTORY_EXCLUDED)

    class Meta:
        verbose_name = _("transfer")
        verbose_name_plural = _("transfers")
        ordering = ["institution", "-transferred_on", "pk"]

    def __str__(self):
        return f"{self.institution} → {self.get_authority_display()}"


class InstitutionPlan(ScopedModel):
    """One version of an institution's "一院一策" plan. Versions are added, never changed."""

    institution = models.ForeignKey(
        "institutions.Institution",
        verbose_name=_("institution"),
        on_delete=models.PROTECT,
        related_name="disposal_plans",
    )
    version = models.PositiveIntegerField(_("plan version"))
    text = models.TextField(_("plan text"))

    class Meta:
        verbose_name = _("one institution, one plan")
        verbose_name_plural = _("one institution, one plan")
        ordering = ["institution", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["institution", "version"], name="one_plan_version_per_institution"
            )
        ]

    def __str__(self):
        return f"{self.institution} · v{self.version}"
