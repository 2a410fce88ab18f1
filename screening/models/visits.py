"""Screening visits (排查走访) with the key items of both plans, interviews and "三必须"."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.geo import latitude_field, longitude_field
from core.scoping import ScopedModel

from .records import not_in_future


class VisitMethod(models.TextChoices):
    # 衡山县方案: 采用"四不两直"的方式逐一上门排查
    UNANNOUNCED = "unannounced", _("Unannounced visit (四不两直)")
    DOCUMENTS = "documents", _("Document check")
    PHONE = "phone", _("Phone")


class ScreeningRound(models.TextChoices):
    FIRST = "first", _("First-round screening")
    LOOK_BACK = "look_back", _("Look-back review")
    COVERT = "covert", _("Covert inspection")


class FundUse(models.TextChoices):
    # 区县方案: 预付费资金使用情况 — the rating's fund_use fact.
    NONE = "", _("No prepayment / not applicable")
    FACILITY_CONSTRUCTION = "facility_construction", _("Mainly facility construction")
    OPERATIONS = "operations", _("Daily operations")
    IRREGULAR = "irregular", _("Diverted or irregular use")
    UNKNOWN = "unknown", _("Unknown")


class YesNoUnknown(models.TextChoices):
    YES = "yes", _("Yes")
    NO = "no", _("No")
    UNKNOWN = "unknown", _("Unknown")


class VisitStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")


class ScreeningVisit(ScopedModel):
    """One visit to one institution or venue. Drafts can be finished later; only submitted
    visits count for the rating and the "四看" review."""

    institution = models.ForeignKey(
        "institutions.Institution",
        verbose_name=_("institution"),
        on_delete=models.PROTECT,
        related_name="visits",
    )
    visited_on = models.DateField(_("visit date"), validators=[not_in_future])
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("staff"),
        on_delete=models.PROTECT,
        related_name="screening_visits",
    )
    companions = models.CharField(_("other staff present"), max_length=200, blank=True)
    method = models.CharField(
        _("method"), max_length=16, choices=VisitMethod.choices, default=VisitMethod.UNANNOUNCED
    )
    round = models.CharField(
        _("round"), max_length=16, choices=ScreeningRound.choices, default=ScreeningRound.FIRST
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=VisitStatus.choices,
        default=VisitStatus.DRAFT,
        db_index=True,
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    # When the county section first reviewed (approved, returned, raised or lowered) a rating
    # of the institution made while this visit was submitted: from then on the township can
    # no longer withdraw the visit; only the county reopens it.
    county_reviewed_at = models.DateTimeField(
        _("county reviewed its rating at"), null=True, blank=True, editable=False
    )

    # The key items of both plans (重点排查 …).
    operating_entity = models.CharField(_("operating entity"), max_length=200, blank=True)
    marketing_methods = models.TextField(_("marketing methods"), blank=True)
    charging_methods = models.TextField(_("charging methods"), blank=True)
    related_companies_found = models.TextField(_("related companies"), blank=True)
    large_prepayment_found = models.CharField(
        _("large prepayments collected"),
        max_length=8,
        choices=YesNoUnknown.choices,
        default=YesNoUnknown.UNKNOWN,
    )
    prepayment_payers_reported = models.PositiveIntegerField(
        _("number of payers (as reported)"),
        null=True,
        blank=True,
        help_text=_("The rating counts payers from the prepayment records."),
    )
    fund_use = models.CharField(
        _("use of prepayment funds"), max_length=32, choices=FundUse.choices, blank=True
    )
    promised_returns = models.BooleanField(
        _("promised investment returns (bed speculation)"), default=False
    )
    false_advertising = models.BooleanField(_("false or exaggerated advertising"), default=False)
    suspected_crime = models.BooleanField(
        _("suspected illegal fundraising or fraud"), default=False
    )
    collapsed = models.BooleanField(_("already collapsed (爆雷)"), default=False)
    public_opinion = models.BooleanField(_("bad influence or major public opinion"), default=False)

    # "三必须" (区县方案): poster, notice to every resident or family, commitment letter.
    poster_displayed = models.BooleanField(_("anti-fraud poster displayed"), default=False)
    # 要向每一位住养老人或家属发放防范养老服务诈骗告知书: counted against the elders housed at
    # the visit (issue 20), not only ticked; the box follows the counts when they are given.
    residents_housed = models.PositiveIntegerField(
        _("elders housed at the visit"),
        null=True,
        blank=True,
        help_text=_("The elders living in the institution on the day of the visit."),
    )
    notices_handed_out = models.PositiveIntegerField(
        _("notices handed out"),
        null=True,
        blank=True,
        help_text=_("Notices handed out to elders or their families; at most one per elder."),
    )
    receipts_collected = models.PositiveIntegerField(
        _("signed receipts collected"),
        null=True,
        blank=True,
        help_text=_("Receipts (回执) signed by the elders or their families for the notice."),
    )
    notice_to_every_resident = models.BooleanField(
        _("notice given to every resident or family"), default=False
    )
    commitment_letter_signed = models.BooleanField(
        _("commitment letter signed by the head"), default=False
    )

    findings = models.TextField(_("findings"), blank=True)

    # When and where (issue 15, item 6): the form's opening and completion by the phone's
    # clock, the server's receipt, and the phone's position when the person allowed it.
    form_opened_at = models.DateTimeField(_("form opened at (device time)"), null=True, blank=True)
    form_completed_at = models.DateTimeField(
        _("form completed at (device time)"), null=True, blank=True
    )
    received_at = models.DateTimeField(
        _("received by the server at"), null=True, blank=True, editable=False
    )
    latitude = latitude_field()
    longitude = longitude_field()
    position_accuracy = models.PositiveIntegerField(
        _("accuracy of the position (m)"), null=True, blank=True
    )

    # The caller's own id of the visit (the API's Idempotency-Key): a retried or doubled
    # request finds the visit its first attempt made instead of making a second one.
    client_id = models.CharField(max_length=64, blank=True, default="", editable=False)

    history = HistoricalRecords(excluded_fields=["scope_path", "updated_at", "county_reviewed_at"])

    class Meta:
        verbose_name = _("screening visit")
        verbose_name_plural = _("screening visits")
        ordering = ["-visited_on", "-pk"]
        indexes = [models.Index(fields=["institution", "status", "visited_on"])]
        constraints = [
            models.UniqueConstraint(
                fields=["created_by", "client_id"],
                condition=~models.Q(client_id=""),
                name="one_visit_per_client_id",
            )
        ]

    def __str__(self):
        return f"{self.institution} · {self.visited_on}"

    def clean(self):
        super().clean()
        errors = {}
        residents, notices, receipts = (
            self.residents_housed,
            self.notices_handed_out,
            self.receipts_collected,
        )
        if residents is not None and notices is not None and notices > residents:
            errors["notices_handed_out"] = ValidationError(
                _("More notices than elders housed (%(residents)d): one notice per elder."),
                code="notices_above_residents",
                params={"residents": residents},
            )
        if receipts is not None and notices is not None and receipts > notices:
            errors["receipts_collected"] = ValidationError(
                _("More receipts than notices handed out (%(notices)d)."),
                code="receipts_above_notices",
                params={"notices": notices},
            )
        elif receipts is not None and residents is not None and receipts > residents:
            errors["receipts_collected"] = ValidationError(
                _("More receipts than elders housed (%(residents)d)."),
                code="receipts_above_residents",
                params={"residents": residents},
            )
        if errors:
            raise ValidationError(errors)
        derived = self.notice_counted_for_every_resident
        if derived is not None:
            self.notice_to_every_resident = derived

    @property
    def notice_counted_for_every_resident(self) -> bool | None:
        """Whether the counts say every elder housed had the notice; None when they do not
        say (a count missing, or nobody housed: the box as ticked stands)."""
        if not self.residents_housed or self.notices_handed_out is None:
            return None
        return self.notices_handed_out >= self.residents_housed

    @property
    def is_withdrawable(self) -> bool:
        """Submitted, and the county has not yet reviewed a rating made with it."""
        return self.status == VisitStatus.SUBMITTED and self.county_reviewed_at is None

    @property
    def three_musts_complete(self) -> bool:
        return (
            self.poster_displayed
            and self.notice_to_every_resident
            and (self.commitment_letter_signed)
        )


class ResidentInterview(ScopedModel):
    """衡山县方案: 询问入住的老年人或者其代理人，了解是否收取预付费以及告知风险等情况."""

    visit = models.ForeignKey(
        ScreeningVisit,
        verbose_name=_("visit"),
        on_delete=models.CASCADE,
        related_name="interviews",
    )
    interviewee = models.CharField(_("interviewee"), max_length=50, blank=True)
    is_agent = models.BooleanField(_("agent or family member"), default=False)
    prepayment_collected = models.CharField(
        _("prepayment collected"),
        max_length=8,
        choices=YesNoUnknown.choices,
        default=YesNoUnknown.UNKNOWN,
    )
    amount_mentioned = models.DecimalField(
        _("amount mentioned (yuan)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    risks_explained = models.CharField(
        _("risks explained"),
        max_length=8,
        choices=YesNoUnknown.choices,
        default=YesNoUnknown.UNKNOWN,
    )
    notes = models.CharField(_("notes"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("interview")
        verbose_name_plural = _("interviews")

    def scope_source(self):
        return self.visit.scope_path


def visit_upload_to(instance, filename):
    return f"visits/{instance.visit.institution_id}/{instance.visit_id}/{filename}"


class VisitAttachment(ScopedModel):
    visit = models.ForeignKey(
        ScreeningVisit,
        verbose_name=_("visit"),
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    file = models.FileField(_("file"), upload_to=visit_upload_to)
    caption = models.CharField(_("caption"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("photo or document")
        verbose_name_plural = _("photos and documents")

    def scope_source(self):
        return self.visit.scope_path


class OfficialCount(ScopedModel):
    """The civil-affairs statistics' count of institutions of a township ("四看" 二看)."""

    unit = models.ForeignKey(
        "accounts.OrgUnit",
        verbose_name=_("township / street"),
        on_delete=models.PROTECT,
        related_name="official_counts",
    )
    as_of = models.DateField(_("as of"))
    institutions = models.PositiveIntegerField(_("institutions in the statistics"))
    notes = models.CharField(_("notes"), max_length=255, blank=True)

    history = HistoricalRecords(excluded_fields=["scope_path", "updated_at"])

    class Meta:
        verbose_name = _("official count")
        verbose_name_plural = _("official counts")
        ordering = ["unit", "-as_of"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "as_of"], name="one_official_count_per_date")
        ]


def pending_upload_to(instance, filename):
    return f"pending/{instance.owner_id}/{filename}"


class PendingAttachmentQuerySet(models.QuerySet):
    def visible_to(self, user):
        """A person's own files only: they are not part of any record yet."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(owner=user)


class PendingAttachment(models.Model):
    """A photo or document chosen on a visit form that came back with errors: kept on the
    server so the person need not choose it again, and attached when the visit is saved."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.CASCADE,
        related_name="pending_attachments",
    )
    file = models.FileField(_("file"), upload_to=pending_upload_to)
    caption = models.CharField(_("caption"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = PendingAttachmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("photo or document kept for a form")
        verbose_name_plural = _("photos and documents kept for forms")

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        return self.file.name.rsplit("/", 1)[-1]
