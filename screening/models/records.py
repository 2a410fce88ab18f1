"""Facts about an institution recorded over time: prepayments, branches, changes,
related companies and finances. The rating derives its figures from these rows."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.scoping import ScopedModel
from core.validators import validate_phone
from institutions.validators import validate_credit_code, validate_id_number

from .people import normalise_name

ZERO = Decimal("0")
money = dict(max_digits=14, decimal_places=2)


def not_in_future(value):
    today = timezone.localdate()
    if value and value > today:
        raise ValidationError(_("The date cannot be in the future."), code="future_date")


class PrepaymentKind(models.TextChoices):
    DEPOSIT = "deposit", _("Deposit")
    MEMBERSHIP = "membership", _("Membership fee / card")
    TOP_UP = "top_up", _("Top-up")
    PREPAID_BED_FEE = "prepaid_bed_fee", _("Prepaid bed fee")
    INVESTMENT = "investment", _("Investment / bed purchase")
    # Money an elder paid in advance whose kind nobody recorded (refunds owed that disposal
    # listed before the one ledger, 2026): counted in what is outstanding, never as large.
    OTHER = "other", _("Other / kind not stated")


# Kinds that are "prepaid service fees" in the large-prepayment definition (the county's
# thresholds: risklists.engine.Thresholds).
PREPAID_FEE_KINDS = (
    PrepaymentKind.MEMBERSHIP,
    PrepaymentKind.TOP_UP,
    PrepaymentKind.PREPAID_BED_FEE,
)


class PrepaymentRecord(ScopedModel):
    """One payment by one elder (a payer). Totals and payer counts are derived, never typed."""

    institution = models.ForeignKey(
        "institutions.Institution",
        verbose_name=_("institution"),
        on_delete=models.PROTECT,
        related_name="prepayments",
    )
    payer_name = models.CharField(_("payer"), max_length=50)
    payer_id_number = models.CharField(
        _("payer's ID number"), max_length=18, blank=True, validators=[validate_id_number]
    )
    payer_phone = models.CharField(
        _("payer's phone"), max_length=32, blank=True, validators=[validate_phone]
    )
    # The payer's identity for counting distinct payers: ID number, else normalised name.
    payer_key = models.CharField(max_length=60, editable=False, db_index=True)
    kind = models.CharField(_("kind"), max_length=32, choices=PrepaymentKind.choices)
    amount = models.DecimalField(_("amount (yuan)"), validators=[MinValueValidator(ZERO)], **money)
    paid_on = models.DateField(_("paid on"), validators=[not_in_future])
    monthly_fee = models.DecimalField(
        _("monthly fee (yuan)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(ZERO)],
        help_text=_("The payer's monthly fee (bed fee for a deposit); blank when unknown."),
        **money,
    )
    months_covered = models.PositiveIntegerField(
        _("months of service prepaid"), null=True, blank=True
    )
    # The sum of the record's entries in the refund ledger (``PrepaymentRefund``), written
    # only by ``screening.services.refunds`` so that the rating reads what is outstanding
    # without a join; never typed.
    refunded_amount = models.DecimalField(
        _("refunded (yuan)"),
        default=ZERO,
        editable=False,
        validators=[MinValueValidator(ZERO)],
        **money,
    )
    promised_return = models.BooleanField(_("return promised"), default=False)
    promised_return_note = models.CharField(
        _("promised return"), max_length=100, blank=True, help_text=_("e.g. 8% a year")
    )
    notes = models.CharField(_("notes"), max_length=255, blank=True)

    history = HistoricalRecords(excluded_fields=["scope_path", "updated_at"])

    class Meta:
        verbose_name = _("prepayment record")
        verbose_name_plural = _("prepayment records")
        ordering = ["institution", "-paid_on"]
        indexes = [models.Index(fields=["institution", "payer_key"])]

    def __str__(self):
        return f"{self.payer_name} · {self.get_kind_display()} · {self.amount}"

    @property
    def outstanding(self) -> Decimal:
        return (self.amount or ZERO) - (self.refunded_amount or ZERO)

    def clean(self):
        if self.refunded_amount and self.amount is not None and self.refunded_amount > self.amount:
            raise ValidationError(
                {
                    "amount": _(
                        "%(refunded)s yuan have already been refunded on this payment: the "
                        "amount cannot be less."
                    )
                    % {"refunded": self.refunded_amount}
                }
            )

    def save(self, *args, **kwargs):
        self.payer_id_number = (self.payer_id_number or "").strip().upper()
        self.payer_key = (
            f"id:{self.payer_id_number}"
            if self.payer_id_number
            else f"name:{normalise_name(self.payer_name)}"
        )
        super().save(*args, **kwargs)


class Branch(ScopedModel):
    """A branch or service point (分支机构、服务网点) with its opening date."""

    institution = models.ForeignKey(
        "institutions.Institution",
        verbose_name=_("institution"),
        on_delete=models.PROTECT,
        related_name="branches",
    )
    name = models.CharField(_("name"), max_length=200)
    address = models.CharField(_("address"), max_length=255, blank=True)
    opened_on = models.DateField(_("opened on"), validators=[not_in_future])
    closed_on = models.DateField(_("closed on"), null=True, blank=True)

    history = HistoricalRecords(excluded_fields=["scope_path", "updated_at"])

    class Meta:
        verbose_name = _("branch or service point")
        verbose_name_plural = _("branches and service points")
        ordering = ["institution", "-opened_on"]

    def __str__(self):
        return self.name


class ChangeKind(models.TextChoices):
    LEGAL_REPRESENTATIVE = "legal_representative", _("Legal representative")
    REGISTERED_ADDRESS = "registered_address", _("Registered address")
    NAME = "name", _("Name")
    OTHER = "other", _("Other")


class RegistrationChange(ScopedModel):
    """A change of registration (区县方案: 频繁变更法定代表人、登记注册地), with its date."""

    institution = models.ForeignKey(
        "institutions.Institution",
        verbose_name=_("institution"),
        on_delete=models.PROTECT,
        related_name="registration_changes",
    )
    kind = models.CharField(_("what changed"), max_length=32, choices=ChangeKind.choices)
    changed_on = models.DateField(_("changed on"), validators=[not_in_future])
    old_value = models.CharField(_("before"), max_length=255, blank=True)
    new_value = models.CharField(_("after"), max_length=255, blank=True)
    source = models.CharField(_("source"), max_length=100, blank=True)

    history = HistoricalRecords(excluded_fields=["scope_path", "updated_at"])

    class Meta:
        verbose_name = _("registration change")
        verbose_name_plural = _("registration changes")
        ordering = ["institution", "-changed_on"]
        indexes = [models.Index(fields=["institution", "kind", "changed_on"])]

    def __str__(self):
        return f"{self.get_kind_display()} {self.changed_on}"


class RelatedCompany(ScopedModel):
    """A related company (关联公司) and whether there are related-party transactions."""

    institution = models.ForeignKey(
        "institutions.Institution",
        verbose_name=_("institution"),
        on_delete=models.PROTECT,
        related_name="related_companies",
    )
    name = models.CharField(_("company name"), max_length=200)
    normalised_name = models.CharField(max_length=200, editable=False, db_index=True)
    credit_code = models.CharField(
        _("unified social credit code"),
        max_length=18,
        blank=True,
        validators=[validate_credit_code],
    )
    relation = models.CharField(
        _("relation"), max_length=100, blank=True, help_text=_("e.g. same investor, parent")
    )
    has_transactions = models.BooleanField(_("related-party transactions"), default=False)
    transactions_note = models.TextField(_("transactions"), blank=True)

    history = HistoricalRecords(excluded_fields=["scope_path", "updated_at", "normalised_name"])

    class Meta:
        verbose_name = _("related company")
        verbose_name_plural = _("related companies")
        ordering = ["institution", "name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.normalised_name = normalise_name(self.name)
        super().save(*args, **kwargs)


class FinancialSnapshot(ScopedModel):
    """Assets and liabilities at a date; the latest one tells whether it is insolvent."""

    institution = models.ForeignKey(
        "institutions.Institution",
        verbose_name=_("institution"),
        on_delete=models.PROTECT,
        related_name="financial_snapshots",
    )
    as_of = models.DateField(_("as of"), validators=[not_in_future])
    total_assets = models.DecimalField(
        _("total assets (yuan)"), validators=[MinValueValidator(ZERO)], **money
    )
    total_liabilities = models.DecimalField(
        _("total liabilities (yuan)"), validators=[MinValueValidator(ZERO)], **money
    )
    net_fixed_assets = models.DecimalField(
        _("net fixed assets (yuan)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(ZERO)],
        **money,
    )
    source = models.CharField(
        _("source"), max_length=100, blank=True, help_text=_("e.g. audit report, annual report")
    )

    history = HistoricalRecords(excluded_fields=["scope_path", "updated_at"])

    class Meta:
        verbose_name = _("assets and liabilities")
        verbose_name_plural = _("assets and liabilities")
        ordering = ["institution", "-as_of"]
        get_latest_by = "as_of"

    def __str__(self):
        return f"{self.as_of}"
