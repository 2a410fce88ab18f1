"""Stored ratings: versioned thresholds, assessments with their review, and the approved
levels over time (区县方案 二(二)二 建立"四色"风险名单).

The engine (``engine.py``) proposes; an ``Assessment`` keeps what it proposed (level, the
hits with their evidence, the 民发〔2024〕19号 compliance checks, the threshold version)
and its review: township staff submit, the county section approves or returns it, and may
raise or lower the level. ``RatingState`` is one small row per institution pointing at its
current (latest approved) assessment and its proposal (latest computed), so that lists
read an institution's rating with a join instead of a query per row. ``LevelChange``
records every change of an institution's approved level, so that the list can say what
is new, raised or lowered since a date.
"""

import hashlib
import json

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.scoping import ScopedModel

from .engine import Findings, Thresholds, findings
from .levels import Level, rank
from .querysets import AssessmentQuerySet, LevelChangeQuerySet, ThresholdVersionQuerySet


class ReviewState(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Returned")
    SUPERSEDED = "superseded", _("Superseded by a newer rating")


# A proposal still waiting for someone: a newer computation supersedes it.
PENDING_STATES = (ReviewState.PROPOSED, ReviewState.SUBMITTED, ReviewState.RETURNED)


class ThresholdVersion(models.Model):
    """One saved set of thresholds of a unit (a county, or a city/province for all below).

    Never edited: a change is a new version, so every assessment can say which thresholds
    it used. The thresholds in force for a unit are the latest version of the unit itself
    or of its nearest ancestor that has one; the engine's defaults when none has.
    """

    unit = models.ForeignKey(
        "accounts.OrgUnit",
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        related_name="threshold_versions",
    )
    number = models.PositiveIntegerField(_("version"))
    values = models.JSONField(_("thresholds"), default=dict)
    note = models.CharField(_("note"), max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("saved by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("saved at"), auto_now_add=True)

    objects = ThresholdVersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("threshold version")
        verbose_name_plural = _("threshold versions")
        ordering = ["unit", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "number"], name="unique_threshold_version")
        ]

    def __str__(self):
        return f"{self.unit} v{self.number}"

    @property
    def thresholds(self) -> Thresholds:
        return Thresholds.from_dict(self.values)


# What a new rating is compared with: a new proposal is stored when any of these changed
# (the compliance checks alone only refresh the latest one).
COMPARED_FIELDS = ("level", "hits", "threshold_version", "compliance")
_DIGESTED = frozenset({*COMPARED_FIELDS, "threshold_version_id"})


_canonical = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode


def result_digest(level, hits, threshold_version_id, compliance) -> str:
    """A fingerprint of what the rating compares (level, hits, threshold version,
    compliance checks), computed the same way from a new rating and from a stored row.

    Canonical JSON (sorted keys, no spaces), so a row read back from the database gives
    the digest it was stored with. Equal digests mean an equal result; a digest that
    differs only sends the nightly rating to compare the stored values themselves.
    """
    text = _canonical([level, threshold_version_id, hits, compliance])
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


class Assessment(ScopedModel):
    """One rating of one institution as the engine computed it, and its review."""

    institution = models.ForeignKey(
        "institutions.Institution",
        verbose_name=_("institution"),
        on_delete=models.PROTECT,
        related_name="assessments",
    )
    level = models.CharField(
        _("computed level"), max_length=8, choices=Level.choices, db_index=True
    )
    hits = models.JSONField(_("rules fired"), default=list, blank=True)
    compliance = models.JSONField(_("compliance checks"), default=list, blank=True)
    threshold_version = models.ForeignKey(
        ThresholdVersion,
        verbose_name=_("threshold version"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assessments",
        help_text=_("Empty: the default thresholds."),
    )
    computed_at = models.DateTimeField(_("computed at"), db_index=True)
    state = models.CharField(
        _("review state"),
        max_length=16,
        choices=ReviewState.choices,
        default=ReviewState.PROPOSED,
        db_index=True,
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    return_reason = models.CharField(_("reason for returning"), max_length=500, blank=True)
    # The county's manual decision (区县方案: the county may raise a level, and lower one
    # only with a written reason); the level shown is this one when it is set.
    override_level = models.CharField(
        _("level set by the county"), max_length=8, choices=Level.choices, blank=True
    )
    override_reason = models.CharField(_("reason for the level set"), max_length=500, blank=True)
    overridden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("level set by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    overridden_at = models.DateTimeField(_("level set at"), null=True, blank=True)
    # result_digest() of the compared fields, kept by save() and by the rating's bulk
    # writes: the nightly rating compares it instead of decoding every proposal's JSON.
    digest = models.CharField(max_length=32, editable=False, default="")

    history = HistoricalRecords(excluded_fields=["scope_path", "updated_at", "digest"])
    objects = AssessmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("risk assessment")
        verbose_name_plural = _("risk assessments")
        ordering = ["-computed_at", "-pk"]
        indexes = [models.Index(fields=["institution", "state", "computed_at"])]

    def __str__(self):
        return f"{self.institution} · {self.get_shown_level_display()}"

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        if update_fields is None:
            # A row loaded without its compared values does not save them: keep its digest.
            if _DIGESTED.isdisjoint(self.get_deferred_fields()):
                self.digest = self.result_digest()
        elif not _DIGESTED.isdisjoint(update_fields):
            self.digest = self.result_digest()
            kwargs["update_fields"] = {*update_fields, "digest"}
        super().save(*args, **kwargs)

    def result_digest(self) -> str:
        return result_digest(self.level, self.hits, self.threshold_version_id, self.compliance)

    def get_absolute_url(self):
        return reverse("institutions:detail", args=[self.institution_id]) + "#rating-panel"

    @property
    def shown_level(self) -> str:
        """The county's level when it set one, else the computed level."""
        return self.override_level or self.level

    def get_shown_level_display(self) -> str:
        return Level(self.shown_level).label

    @property
    def is_pending(self) -> bool:
        return self.state in PENDING_STATES

    @property
    def codes(self) -> list[str]:
        return [hit["code"] for hit in self.hits or ()]

    @property
    def findings(self) -> Findings:
        """What this rating found that disposal acts on (large prepayment, illegal
        fundraising, suspected crime), from its hits and their evidence."""
        return findings(self.hits or ())

    @property
    def clauses(self) -> list[str]:
        return [hit["clause"] for hit in self.hits or ()]


class RatingState(models.Model):
    """An institution's rating at a glance (one row each; kept by the services).

    ``list_level`` is what the red/orange/yellow list shows: the approved level, or the
    proposal's level while nothing has been approved yet.
    """

    institution = models.OneToOneField(
        "institutions.Institution",
        verbose_name=_("institution"),
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="rating",
    )
    current = models.ForeignKey(
        Assessment,
        verbose_name=_("current rating"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    proposal = models.ForeignKey(
        Assessment,
        verbose_name=_("latest proposal"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    approved_level = models.CharField(
        _("approved level"), max_length=8, choices=Level.choices, blank=True
    )
    list_level = models.CharField(
        _("level on the list"), max_length=8, choices=Level.choices, blank=True, db_index=True
    )
    list_rank = models.SmallIntegerField(default=-1, db_index=True)
    # The codes of the proposal's hits, " V1 O4 " (spaces around each): the pages of the
    # apps below ask "whose rating has hit X?" (四看 一看: V1 待核实) with one LIKE, without
    # reading the rating's JSON.
    proposal_codes = models.CharField(max_length=200, blank=True, default="", editable=False)

    class Meta:
        verbose_name = _("rating of an institution")
        verbose_name_plural = _("ratings of institutions")

    def __str__(self):
        return f"{self.institution_id}: {self.list_level}"

    @staticmethod
    def codes_of(assessment) -> str:
        """``proposal_codes`` for a proposal: " V1 O4 ", or "" when nothing fired."""
        codes = assessment.codes if assessment is not None else []
        return f" {' '.join(codes)} " if codes else ""

    def refresh_levels(self):
        self.approved_level = self.current.shown_level if self.current else ""
        self.list_level = self.approved_level or (self.proposal.level if self.proposal else "")
        self.list_rank = rank(self.list_level)


class ChangeKind(models.TextChoices):
    APPROVED = "approved", _("Approved")
    RAISED = "raised", _("Raised by the county")
    LOWERED = "lowered", _("Lowered by the county")


class LevelChange(models.Model):
    """An institution's approved level from ``changed_at`` on (a ledger; never edited)."""

    institution = models.ForeignKey(
        "institutions.Institution",
        verbose_name=_("institution"),
        on_delete=models.PROTECT,
        related_name="level_changes",
    )
    assessment = models.ForeignKey(
        Assessment,
        verbose_name=_("assessment"),
        on_delete=models.PROTECT,
        related_name="level_changes",
    )
    level = models.CharField(_("approved level"), max_length=8, choices=Level.choices)
    previous_level = models.CharField(
        _("previous level"), max_length=8, choices=Level.choices, blank=True
    )
    kind = models.CharField(_("how"), max_length=16, choices=ChangeKind.choices)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    changed_at = models.DateTimeField(_("changed at"), db_index=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    objects = LevelChangeQuerySet.as_manager()

    class Meta:
        verbose_name = _("change of approved level")
        verbose_name_plural = _("changes of approved level")
        ordering = ["-changed_at", "-pk"]
        indexes = [models.Index(fields=["institution", "changed_at"])]

    def __str__(self):
        return f"{self.institution_id} {self.previous_level or '—'} → {self.level}"
