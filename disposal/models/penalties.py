"""Who was punished: penalties decided by the authorities against an institution or one of its
people (从业人员), and the county's proposal to put them on the joint-punishment list.

区县方案 二(三)四 加强信用惩戒力度: 对以非法集资或以欺骗手段骗取老年人财物，被有关部门依法依规惩处的
养老服务机构和从业人员，及时纳入联合惩戒对象名单，依法采取惩戒措施。

The list itself is kept by the provincial authority under its own measures; the bureau puts
names forward (提请纳入). A township records the decision it learns of (行政处罚决定书,
判决书); the county section proposes it. A record entered in error is withdrawn with a
reason, never deleted: the history says who did what and when.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.scoping import ScopedModel, ScopedQuerySet
from institutions.validators import validate_id_number
from screening.models.records import not_in_future

HISTORY_EXCLUDED = ["scope_path", "updated_at"]


class PenaltyKind(models.TextChoices):
    ADMINISTRATIVE = "administrative", _("Administrative penalty (行政处罚)")
    CRIMINAL = "criminal", _("Criminal judgment (刑事判决)")
    OTHER = "other", _("Other punishment under laws and regulations (依法依规惩处)")


class PenaltyGround(models.TextChoices):
    """What the subject was punished for; the plan names two grounds for the list."""

    ILLEGAL_FUNDRAISING = "illegal_fundraising", _("Illegal fundraising (非法集资)")
    DECEPTION = (
        "deception",
        _("Defrauding elders of money or property by deception (以欺骗手段骗取老年人财物)"),
    )
    OTHER = "other", _("Other")


# 区县方案 二(三)四: only these grounds put a subject on the joint-punishment list.
LISTED_GROUNDS = (PenaltyGround.ILLEGAL_FUNDRAISING, PenaltyGround.DECEPTION)


class PenaltyQuerySet(ScopedQuerySet):
    def current(self):
        """Not withdrawn: what the list and the counts show."""
        return self.filter(withdrawn_at__isnull=True)

    def proposed(self):
        return self.current().filter(proposed_on__isnull=False)

    def for_list(self):
        return self.select_related(
            "institution", "institution__township", "proposed_by", "created_by"
        )


class Penalty(ScopedModel):
    """One decision of an authority against an institution, or against one of its people
    when a person is named (从业人员: the operator, a manager, a salesperson)."""

    institution = models.ForeignKey(
        "institutions.Institution",
        verbose_name=_("institution"),
        on_delete=models.PROTECT,
        related_name="penalties",
    )
    person_name = models.CharField(
        _("person punished"),
        max_length=50,
        blank=True,
        help_text=_("Empty when the institution itself was punished."),
    )
    person_id_number = models.CharField(
        _("person's ID number"), max_length=18, blank=True, validators=[validate_id_number]
    )
    person_post = models.CharField(
        _("person's post"),
        max_length=50,
        blank=True,
        help_text=_("e.g. 法定代表人, 负责人, 销售人员"),
    )
    kind = models.CharField(_("kind of punishment"), max_length=16, choices=PenaltyKind.choices)
    ground = models.CharField(_("punished for"), max_length=32, choices=PenaltyGround.choices)
    authority = models.CharField(
        _("deciding authority"), max_length=200, help_text=_("e.g. 衡山县市场监督管理局")
    )
    document_number = models.CharField(
        _("document number"),
        max_length=100,
        help_text=_("The decision's or the judgment's number, e.g. 衡市监罚〔2026〕12号"),
    )
    decided_on = models.DateField(_("decided on"), validators=[not_in_future])
    summary = models.TextField(
        _("penalty and facts"),
        help_text=_("What was decided (fine, confiscation, sentence…) and for what."),
    )
    proposed_on = models.DateField(_("proposed for joint punishment on"), null=True, blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("proposed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    proposal_note = models.CharField(_("proposal note"), max_length=255, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True, db_index=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("withdrawn by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    withdrawal_reason = models.CharField(_("reason for withdrawal"), max_length=255, blank=True)

    objects = PenaltyQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=HISTORY_EXCLUDED)

    class Meta:
        verbose_name = _("penalty")
        verbose_name_plural = _("institutions and persons punished")
        ordering = ["-decided_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["institution", "document_number", "person_name"],
                condition=models.Q(withdrawn_at__isnull=True),
                name="one_current_penalty_per_decision_and_subject",
                violation_error_message=_(
                    "This decision is already recorded for this institution or person."
                ),
            )
        ]

    def __str__(self):
        return f"{self.subject} · {self.document_number}"

    def clean(self):
        self.person_name = (self.person_name or "").strip()
        self.person_id_number = (self.person_id_number or "").strip().upper()
        self.document_number = (self.document_number or "").strip()

    def save(self, *args, **kwargs):
        self.clean()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("disposal:penalty_detail", args=[self.pk])

    @property
    def is_person(self) -> bool:
        return bool(self.person_name)

    @property
    def subject(self) -> str:
        """Who was punished: the person (of the institution), else the institution."""
        if self.person_name:
            return f"{self.person_name}（{self.institution}）"
        return str(self.institution)

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None

    @property
    def is_proposed(self) -> bool:
        return self.proposed_on is not None

    @property
    def on_listed_ground(self) -> bool:
        return self.ground in LISTED_GROUNDS

    @property
    def on_blacklist(self) -> bool | None:
        """Already on a blacklist imported from outside (selectors.penalties annotates it);
        None when the row was not read through that selector."""
        name = "person_listed" if self.is_person else "institution_listed"
        return getattr(self, name, None)
