"""Records from outside the bureau, imported from spreadsheets and matched to the registry:
lawsuits (中国裁判文书网), blacklists (信用中国 and others), complaints (投诉举报) and the
shared lists of police, market regulation and 金民工程 ("四看" 三看).

Matching is by ID number or credit code first, then by normalised name; a match by name
only waits for a person to confirm or reject it.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.scoping import ScopedModel

from .people import normalise_name


class MatchStatus(models.TextChoices):
    MATCHED = "matched", _("Matched by ID number or credit code")
    PENDING = "pending", _("Matched by name, to be confirmed")
    CONFIRMED = "confirmed", _("Confirmed")
    REJECTED = "rejected", _("Rejected")
    UNMATCHED = "unmatched", _("Not matched")


class MatchedRecord(ScopedModel):
    """An imported record about a subject (a person or an organisation)."""

    unit = models.ForeignKey(
        "accounts.OrgUnit",
        verbose_name=_("imported by unit"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    batch = models.ForeignKey(
        "screening.ImportBatch",
        verbose_name=_("import"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    subject_name = models.CharField(_("name"), max_length=200)
    normalised_name = models.CharField(max_length=200, editable=False, db_index=True)
    id_number = models.CharField(_("citizen ID number"), max_length=18, blank=True, db_index=True)
    credit_code = models.CharField(
        _("unified social credit code"), max_length=18, blank=True, db_index=True
    )
    institution = models.ForeignKey(
        "institutions.Institution",
        verbose_name=_("matched institution"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    person = models.ForeignKey(
        "screening.Person",
        verbose_name=_("matched person"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    match_status = models.CharField(
        _("match"),
        max_length=16,
        choices=MatchStatus.choices,
        default=MatchStatus.UNMATCHED,
        db_index=True,
    )
    matched_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    matched_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)

    class Meta:
        abstract = True

    def __str__(self):
        return self.subject_name

    @property
    def counts(self) -> bool:
        """Only sure matches count for the rating; name-only matches wait for a person."""
        return self.match_status in (MatchStatus.MATCHED, MatchStatus.CONFIRMED)

    def save(self, *args, **kwargs):
        self.normalised_name = normalise_name(self.subject_name)
        super().save(*args, **kwargs)


class Lawsuit(MatchedRecord):
    case_number = models.CharField(_("case number"), max_length=100)
    court = models.CharField(_("court"), max_length=100, blank=True)
    cause = models.CharField(_("cause of action"), max_length=200)
    economic_crime = models.BooleanField(
        _("economic crime"),
        default=False,
        help_text=_("区县方案: 因经济犯罪被提起诉讼"),
    )
    filed_on = models.DateField(_("filed on"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=100, blank=True, default="中国裁判文书网")

    history = HistoricalRecords(excluded_fields=["scope_path", "updated_at", "normalised_name"])

    class Meta:
        verbose_name = _("lawsuit")
        verbose_name_plural = _("lawsuits")
        ordering = ["-filed_on", "pk"]
        constraints = [
            # Per importing unit: a county never learns from a refusal that another county
            # recorded the case, and gets its own record of it.
            models.UniqueConstraint(
                fields=["unit", "case_number", "normalised_name"],
                name="unique_lawsuit_party_per_unit",
            )
        ]


class BlacklistKind(models.TextChoices):
    CREDIT_CHINA = "credit_china", _("Credit China dishonesty list")
    ELDER_CARE = "elder_care", _("Elder-care services blacklist")
    ENTERPRISE = "enterprise", _("Enterprise blacklist")
    SOCIAL_ORGANISATION = "social_organisation", _("Social organisation blacklist")


class BlacklistEntry(MatchedRecord):
    list_kind = models.CharField(_("list"), max_length=32, choices=BlacklistKind.choices)
    reason = models.CharField(_("reason"), max_length=255, blank=True)
    listed_on = models.DateField(_("listed on"), null=True, blank=True)
    removed_on = models.DateField(_("removed on"), null=True, blank=True)

    history = HistoricalRecords(excluded_fields=["scope_path", "updated_at", "normalised_name"])

    class Meta:
        verbose_name = _("blacklist entry")
        verbose_name_plural = _("blacklist entries")
        ordering = ["-listed_on", "pk"]


class Verification(models.TextChoices):
    """甄别 of a complaint (区县方案: 对收集到的举报线索进行甄别): only a substantiated one
    counts for the rating (O2 被投诉举报)."""

    PENDING = "pending", _("Not yet verified")
    SUBSTANTIATED = "substantiated", _("Verified: substantiated")
    GROUNDLESS = "groundless", _("Found groundless")


class Complaint(MatchedRecord):
    received_on = models.DateField(_("received on"))
    channel = models.CharField(_("channel"), max_length=50, blank=True)
    content = models.TextField(_("content"))
    reference = models.CharField(_("reference number"), max_length=100, blank=True)
    verification = models.CharField(
        _("verification"),
        max_length=16,
        choices=Verification.choices,
        default=Verification.PENDING,
        db_index=True,
    )
    verified_on = models.DateField(_("verified on"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("verified by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    verification_note = models.TextField(
        _("verification result"),
        blank=True,
        help_text=_("What the verification found; the reason when found groundless."),
    )

    history = HistoricalRecords(excluded_fields=["scope_path", "updated_at", "normalised_name"])

    class Meta:
        verbose_name = _("complaint or report")
        verbose_name_plural = _("complaints and reports")
        ordering = ["-received_on", "pk"]

    @property
    def counts_for_rating(self) -> bool:
        """Matched for sure and verified as substantiated (O2 被投诉举报)."""
        return self.counts and self.verification == Verification.SUBSTANTIATED


class SharedListSource(models.TextChoices):
    POLICE = "police", _("Public security")
    MARKET_REGULATION = "market_regulation", _("Market regulation")
    JINMIN = "jinmin", _("金民工程 warning")
    OTHER = "other", _("Other department")


class SharedListEntry(MatchedRecord):
    """An entry of a list shared by another department ("四看" 三看); unmatched entries are
    candidates to verify as unregistered (未登记) or registered but not filed (登记未备案)."""

    source = models.CharField(_("source"), max_length=32, choices=SharedListSource.choices)
    address = models.CharField(_("address"), max_length=255, blank=True)
    business_scope = models.TextField(_("business scope"), blank=True)
    registered_on = models.DateField(_("registered on"), null=True, blank=True)
    township = models.ForeignKey(
        "accounts.OrgUnit",
        verbose_name=_("township / street"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    verified_note = models.CharField(_("verification"), max_length=255, blank=True)

    history = HistoricalRecords(excluded_fields=["scope_path", "updated_at", "normalised_name"])

    class Meta:
        verbose_name = _("shared list entry")
        verbose_name_plural = _("shared list entries")
        ordering = ["-registered_on", "pk"]

    def scope_source(self):
        # An unmatched entry is seen by the township it lies in, so that it can verify it.
        if self.institution_id is None and self.township_id is not None:
            return self.township.path
        return super().scope_source()
