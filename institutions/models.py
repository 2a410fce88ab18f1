"""The registry: registered elder-care institutions and unregistered venues in one table.

One table, so that a venue that gets registered becomes an institution by a change of
``registration_status`` and keeps its history, visits, ratings and disposal.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.models import OrgUnit, UnitLevel
from core.geo import latitude_field, longitude_field
from core.validators import validate_phone

from .querysets import InstitutionQuerySet
from .validators import validate_credit_code


class RegistrationStatus(models.TextChoices):
    # 衡山县方案: 备案的养老服务机构、未备案的养老服务机构、未经登记但从事养老服务经营活动的服务场所
    REGISTERED_FILED = "registered_filed", _("Registered and filed")
    REGISTERED_NOT_FILED = "registered_not_filed", _("Registered, not filed")
    UNREGISTERED = "unregistered", _("Unregistered venue")


class LegalForm(models.TextChoices):
    SOCIAL_SERVICE = "social_service", _("Private non-enterprise unit / social service agency")
    ENTERPRISE = "enterprise", _("Enterprise")
    PUBLIC_INSTITUTION = "public_institution", _("Public institution")
    OTHER = "other", _("Other")


class Ownership(models.TextChoices):
    PUBLIC = "public", _("Publicly run")
    PUBLIC_BUILT_PRIVATE_RUN = "public_private", _("Publicly built, privately run")
    PRIVATE = "private", _("Privately run")


class VenueNature(models.TextChoices):
    # 区县方案·清零行动 and 衡山县方案: 属民非性质的 / 属企业性质的 decide who handles the venue.
    SOCIAL_SERVICE = "social_service", _("Non-enterprise nature")
    ENTERPRISE = "enterprise", _("Enterprise nature")
    INDIVIDUAL = "individual", _("Individual")


class Institution(models.Model):
    name = models.CharField(_("name"), max_length=200, db_index=True)
    registration_status = models.CharField(
        _("registration status"),
        max_length=32,
        choices=RegistrationStatus.choices,
        default=RegistrationStatus.REGISTERED_FILED,
        db_index=True,
    )
    credit_code = models.CharField(
        _("unified social credit code"),
        max_length=18,
        blank=True,
        validators=[validate_credit_code],
        help_text=_("18 characters, as printed on the registration certificate."),
    )
    legal_form = models.CharField(
        _("legal form"), max_length=32, choices=LegalForm.choices, blank=True
    )
    ownership = models.CharField(
        _("ownership"), max_length=32, choices=Ownership.choices, blank=True
    )
    venue_nature = models.CharField(
        _("nature of the venue"),
        max_length=32,
        choices=VenueNature.choices,
        blank=True,
        help_text=_("For unregistered venues: decides who handles it."),
    )
    registration_authority = models.CharField(
        _("registration authority"), max_length=100, blank=True
    )
    registered_address = models.CharField(_("registered address"), max_length=255, blank=True)
    actual_address = models.CharField(_("actual address"), max_length=255, blank=True)
    township = models.ForeignKey(
        OrgUnit,
        verbose_name=_("township / street"),
        on_delete=models.PROTECT,
        related_name="institutions",
        limit_choices_to={"level": UnitLevel.TOWNSHIP},
    )
    village = models.ForeignKey(
        OrgUnit,
        verbose_name=_("village / community"),
        on_delete=models.PROTECT,
        related_name="village_institutions",
        null=True,
        blank=True,
        limit_choices_to={"level": UnitLevel.VILLAGE},
    )
    # Path of the most specific unit (village, else township); scoping filters on it.
    scope_path = models.CharField(max_length=255, editable=False, db_index=True, default="")
    beds = models.PositiveIntegerField(_("beds"), null=True, blank=True)
    residents = models.PositiveIntegerField(_("residents"), null=True, blank=True)
    legal_representative = models.CharField(_("legal representative"), max_length=50, blank=True)
    principal = models.CharField(_("principal"), max_length=50, blank=True)
    investors = models.CharField(_("investors"), max_length=255, blank=True)
    operator = models.CharField(
        _("operator"), max_length=100, blank=True, help_text=_("Who runs an unregistered venue.")
    )
    business_scope = models.TextField(_("business scope"), blank=True)
    established_on = models.DateField(_("date established"), null=True, blank=True)
    # 备案日期: when the civil-affairs bureau accepted the institution's filing (备案); the
    # baseline survey's 2019-2021年备案养老机构情况摸底表 selects by it.
    filed_on = models.DateField(_("date filed"), null=True, blank=True)
    found_on = models.DateField(
        _("date found"), null=True, blank=True, help_text=_("When the venue was found.")
    )
    multi_industry = models.BooleanField(_("involved in several industries"), default=False)
    collects_large_prepayment = models.BooleanField(
        _("collects large prepayments"),
        default=False,
        help_text=_(
            "As found: a visit's answer counts over this flag, and the prepayment records "
            "give the figures. A disagreement is shown in the four-looks review."
        ),
    )
    contact_person = models.CharField(_("contact person"), max_length=50, blank=True)
    contact_phone = models.CharField(
        _("contact phone"), max_length=32, blank=True, validators=[validate_phone]
    )
    notes = models.TextField(_("notes"), blank=True)
    # Where the institution is, when known: the four-looks review flags a visit recorded on
    # a phone far from here (issue 15). Degrees (WGS 84, as a phone reports them).
    latitude = latitude_field()
    longitude = longitude_field()

    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True, db_index=True)
    archive_reason = models.CharField(_("reason for archiving"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The field app's own id of a venue registered on a phone (core/outbox.py).
    client_id = models.CharField(max_length=64, blank=True, default="", editable=False)

    history = HistoricalRecords(excluded_fields=["scope_path", "updated_at", "client_id"])
    objects = InstitutionQuerySet.as_manager()

    class Meta:
        verbose_name = _("elder-care institution")
        verbose_name_plural = _("elder-care institutions")
        ordering = ["township__path", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["credit_code"],
                condition=~models.Q(credit_code=""),
                name="unique_credit_code_when_given",
            ),
            models.UniqueConstraint(
                fields=["created_by", "client_id"],
                condition=~models.Q(client_id=""),
                name="one_institution_per_client_id",
            ),
        ]
        indexes = [models.Index(fields=["township", "registration_status"])]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("institutions:detail", args=[self.pk])

    @property
    def is_venue(self) -> bool:
        return self.registration_status == RegistrationStatus.UNREGISTERED

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    def clean(self):
        errors = {}
        if self.credit_code:
            self.credit_code = self.credit_code.strip().upper()
        if self.township_id and self.township.level != UnitLevel.TOWNSHIP:
            errors["township"] = _("Choose a township or street.")
        if self.village_id and self.village.parent_id != self.township_id:
            errors["village"] = _("This village does not belong to the chosen township.")
        if not self.is_venue and not self.credit_code:
            errors["credit_code"] = _("A registered institution needs its credit code.")
        if errors:
            raise ValidationError(errors)

    def scope_source(self) -> str:
        """The path that scopes the institution: its village's, else its township's.

        The one rule for ``scope_path``: ``save()`` applies it, and so does the bulk service
        (``services.save_institutions_bulk``), since bulk writes do not call ``save()``.
        """
        unit = self.village if self.village_id else self.township
        return unit.path

    def save(self, *args, **kwargs):
        self.scope_path = self.scope_source()
        super().save(*args, **kwargs)
