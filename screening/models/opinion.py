"""负面舆情 events: what was found, where, how it was answered and how it ended.

District §二(一)三: 加强舆情信息监测，及时发现可能引起突发事件的苗头性问题…一旦出现负面舆情，
要及时协调加强引导管控，严防恶意炒作. 衡山县 §二.四: 要加强防范化解过程中的负面舆情监测和应对，
及时跟踪社会热点，认真对待信访中的问题线索.

An event may concern one institution or the sector as a whole (then it belongs to the unit
that recorded it). A 重大 event about an institution is a record of the standing finding
「引起不良影响或重大舆情」 (rule R5): it stands from then on until the county section resolves
it, as a visit's finding does (``selectors/findings.py``).
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.scoping import ScopedModel

from .records import not_in_future


class OpinionSource(models.TextChoices):
    MEDIA = "media", _("News media")
    ONLINE = "online", _("Online platform")
    PETITION = "petition", _("Letters and visits (petition)")
    OTHER = "other", _("Other")


class OpinionLevel(models.TextChoices):
    GENERAL = "general", _("General")
    MAJOR = "major", _("Major")


class OpinionEvent(ScopedModel):
    unit = models.ForeignKey(
        "accounts.OrgUnit",
        verbose_name=_("township / street"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    institution = models.ForeignKey(
        "institutions.Institution",
        verbose_name=_("institution"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="opinion_events",
        help_text=_("Leave blank when the event concerns the sector, not one institution."),
    )
    source = models.CharField(_("source"), max_length=16, choices=OpinionSource.choices)
    source_detail = models.CharField(
        _("where it appeared"),
        max_length=200,
        blank=True,
        help_text=_("The outlet, platform or petition reference."),
    )
    found_on = models.DateField(_("found on"), validators=[not_in_future])
    summary = models.TextField(_("summary"))
    level = models.CharField(
        _("severity"),
        max_length=16,
        choices=OpinionLevel.choices,
        default=OpinionLevel.GENERAL,
        db_index=True,
    )
    # When the event was first recorded as 重大: from then on it establishes the standing
    # finding, so a county resolution made before it does not cover it.
    major_since = models.DateTimeField(
        _("recorded as major at"), null=True, blank=True, editable=False
    )
    response = models.TextField(
        _("response taken"), blank=True, help_text=_("Guidance, clarification, handling.")
    )
    outcome = models.TextField(_("outcome"), blank=True)
    closed_on = models.DateField(
        _("date closed"), null=True, blank=True, validators=[not_in_future]
    )

    history = HistoricalRecords(excluded_fields=["scope_path", "updated_at"])

    class Meta:
        verbose_name = _("public opinion event")
        verbose_name_plural = _("public opinion events")
        ordering = ["-found_on", "-pk"]
        indexes = [models.Index(fields=["institution", "level"])]

    def __str__(self):
        return f"{self.get_level_display()} · {self.found_on}"

    def get_absolute_url(self):
        return reverse("screening:opinion_event_detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.closed_on is None

    def clean(self):
        errors = {}
        if self.closed_on:
            if self.found_on and self.closed_on < self.found_on:
                errors["closed_on"] = _("The event cannot close before it was found.")
            if not (self.outcome or "").strip():
                errors["outcome"] = _("Say how the event ended before closing it.")
        if errors:
            raise ValidationError(errors)
