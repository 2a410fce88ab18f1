"""Disposal cases and their tracked actions (四级分类处置), and the evidence kept for them."""

from datetime import date

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.scoping import ScopedModel
from risklists.levels import Level

from ..levels import DOCUMENTED_TYPES, ActionType
from ..querysets import OPEN_STATUSES, DisposalActionQuerySet

HISTORY_EXCLUDED = ["scope_path", "updated_at"]


class DisposalCase(ScopedModel):
    """One per institution under disposal: the level last approved and what it was based on.

    The level here is the one the county approved (or raised) and applied; the actions it
    required are the case's actions.
    """

    institution = models.OneToOneField(
        "institutions.Institution",
        verbose_name=_("institution"),
        on_delete=models.PROTECT,
        related_name="disposal_case",
    )
    level = models.CharField(_("level"), max_length=8, choices=Level.choices, db_index=True)
    level_applied_on = models.DateField(_("level applied on"))
    # The approved rating the level and the conditions come from (disposal trusts it).
    assessment = models.ForeignKey(
        "risklists.Assessment",
        verbose_name=_("approved assessment"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="disposal_cases",
    )
    illegal_fundraising = models.BooleanField(_("suspected illegal fundraising"), default=False)
    crime_suspected = models.BooleanField(_("crime suspected"), default=False)
    # 区县方案 二(二)五 攻坚行动 (重点线索、重点案件, "一院一策"): set by the county section.
    is_key = models.BooleanField(_("key case"), default=False, db_index=True)

    history = HistoricalRecords(excluded_fields=HISTORY_EXCLUDED)

    class Meta:
        verbose_name = _("disposal case")
        verbose_name_plural = _("disposal cases")
        ordering = ["institution"]

    def __str__(self):
        return f"{self.institution} · {self.get_level_display()}"


class ActionStatus(models.TextChoices):
    OPEN = "open", _("Awaiting action")
    IN_PROGRESS = "in_progress", _("Being handled")
    DONE = "done", _("Completed")
    NOT_APPLICABLE = "not_applicable", _("Not applicable")


class DisposalAction(ScopedModel):
    """One required measure for one institution, followed until it is closed (包干到人)."""

    case = models.ForeignKey(
        DisposalCase,
        verbose_name=_("disposal case"),
        on_delete=models.PROTECT,
        related_name="actions",
    )
    institution = models.ForeignKey(
        "institutions.Institution",
        verbose_name=_("institution"),
        on_delete=models.PROTECT,
        related_name="disposal_actions",
    )
    action_type = models.CharField(_("action"), max_length=32, choices=ActionType.choices)
    level = models.CharField(
        _("required by level"),
        max_length=8,
        choices=Level.choices,
        help_text=_("The level whose approval created this action."),
    )
    assessment = models.ForeignKey(
        "risklists.Assessment",
        verbose_name=_("approved assessment"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="disposal_actions",
    )
    responsible_unit = models.ForeignKey(
        "accounts.OrgUnit",
        verbose_name=_("responsible unit"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    responsible_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible person"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="disposal_actions",
    )
    responsible_name = models.CharField(
        _("responsible person (name)"),
        max_length=50,
        blank=True,
        help_text=_("When the person has no login: their name and post."),
    )
    required_on = models.DateField(_("required since"))
    deadline = models.DateField(_("time limit"), db_index=True)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=ActionStatus.choices,
        default=ActionStatus.OPEN,
        db_index=True,
    )
    status_reason = models.CharField(
        _("reason"),
        max_length=255,
        blank=True,
        help_text=_("Required when an action is not applicable or closed after a lowering."),
    )
    carried_out_on = models.DateField(_("date carried out"), null=True, blank=True)
    document_number = models.CharField(
        _("document number"), max_length=100, blank=True, help_text=_("e.g. 衡民发〔2026〕12号")
    )
    counterpart = models.CharField(
        _("to or with whom"),
        max_length=200,
        blank=True,
        help_text=_("e.g. the township government, the principal talked to"),
    )
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    # Set by the daily check; an overdue action is escalated to the county's board.
    overdue_since = models.DateField(_("overdue since"), null=True, blank=True, db_index=True)
    # Set when a later approval lowered the level below what this action needs: a person
    # decides whether to close it (区县方案: 风险软着陆 — nothing is closed silently).
    level_lowered_on = models.DateField(_("level lowered on"), null=True, blank=True)
    # A conditional action (纳入处非机制, 移送司法机关) the county section added by hand, and why.
    manual_reason = models.CharField(_("added by hand because"), max_length=255, blank=True)

    history = HistoricalRecords(excluded_fields=HISTORY_EXCLUDED)
    objects = DisposalActionQuerySet.as_manager()

    class Meta:
        verbose_name = _("disposal action")
        verbose_name_plural = _("disposal actions")
        ordering = ["deadline", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["institution", "action_type"], name="one_action_per_type_and_institution"
            )
        ]
        indexes = [models.Index(fields=["status", "deadline"])]

    def __str__(self):
        return f"{self.institution} · {self.get_action_type_display()}"

    def get_absolute_url(self):
        return reverse("disposal:action_detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_documented(self) -> bool:
        """Orange and red measures keep their date and document number (文号)."""
        return self.action_type in DOCUMENTED_TYPES

    @property
    def is_level_lowered(self) -> bool:
        return self.is_open and self.level_lowered_on is not None

    def is_overdue(self, today: date) -> bool:
        return self.is_open and self.deadline < today

    @property
    def responsible_display(self) -> str:
        if self.responsible_user_id:
            return str(self.responsible_user)
        return self.responsible_name


def evidence_path(instance, filename):
    return f"disposal/evidence/{instance.institution_id}/{filename}"


class ActionEvidence(ScopedModel):
    """A file that proves an action was carried out (通报函, 约谈笔录, 整改通知书 …)."""

    action = models.ForeignKey(
        DisposalAction,
        verbose_name=_("action"),
        on_delete=models.PROTECT,
        related_name="evidence",
    )
    institution = models.ForeignKey(
        "institutions.Institution",
        verbose_name=_("institution"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Checked by ``validators.validate_evidence_file`` when uploaded (type, size, content).
    file = models.FileField(_("file"), upload_to=evidence_path, max_length=255)
    original_name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveIntegerField(_("size (bytes)"), default=0)
    description = models.CharField(_("description"), max_length=200, blank=True)

    history = HistoricalRecords(excluded_fields=HISTORY_EXCLUDED)

    class Meta:
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")
        ordering = ["action", "created_at"]

    def __str__(self):
        return self.original_name

    def get_absolute_url(self):
        return reverse("disposal:evidence_download", args=[self.pk])
