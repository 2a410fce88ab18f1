"""The competent authority's determination of illegal fundraising (调查认定), as the county
section records it.

衡山县方案 §二.二 配合做好非法集资的调查认定、定性定级、风险评估、后续处置等工作: the
department leading on illegal fundraising (处非牵头部门) or the police investigate and
decide; the bureau records what they decided, with the document that says so. The district
plan's orange and red measures depend on it: 属于非法集资的，同步纳入属地防范和处置非法集资
工作机制 (``disposal/levels.py``). A determination of 认定为非法集资 is therefore a standing
finding of the institution (涉嫌非法集资, R2, ``selectors/findings.py``) and the one thing
that makes it 属于非法集资; a suspicion found on a visit is not. A determination of
不构成非法集资 is shown with the rating's evidence but resolves nothing by itself: the
county section resolves the finding with a reason, as any other standing finding.

Only the county section records and corrects a determination (it comes to the county);
townships see those of their institutions. Nothing is deleted: the history keeps every
version.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.scoping import ScopedModel, ScopedQuerySet

from .records import not_in_future


class DeterminationResult(models.TextChoices):
    ILLEGAL_FUNDRAISING = "illegal_fundraising", _("Determined to be illegal fundraising")
    NOT_ILLEGAL_FUNDRAISING = "not_illegal_fundraising", _("Not illegal fundraising")
    UNDER_INVESTIGATION = "under_investigation", _("Under investigation")


# A document number is required once the authority has decided (调查中 may have none yet).
DECIDED_RESULTS = (
    DeterminationResult.ILLEGAL_FUNDRAISING,
    DeterminationResult.NOT_ILLEGAL_FUNDRAISING,
)


class DeterminationQuerySet(ScopedQuerySet):
    def for_list(self):
        return self.select_related("institution", "institution__township", "recorded_by")


class FundraisingDetermination(ScopedModel):
    """One determination by an authority about one institution (调查认定、定性定级、风险评估)."""

    institution = models.ForeignKey(
        "institutions.Institution",
        verbose_name=_("institution"),
        on_delete=models.PROTECT,
        related_name="fundraising_determinations",
    )
    authority = models.CharField(
        _("determining authority"),
        max_length=200,
        help_text=_("e.g. 衡山县防范和处置非法集资工作领导小组办公室, 衡山县公安局"),
    )
    document_number = models.CharField(
        _("document number"),
        max_length=100,
        blank=True,
        help_text=_("The determination's number, e.g. 衡处非认〔2026〕3号"),
    )
    determined_on = models.DateField(_("determined on"), validators=[not_in_future])
    result = models.CharField(
        _("result"), max_length=32, choices=DeterminationResult.choices, db_index=True
    )
    qualification = models.TextField(
        _("nature and grade (定性定级)"),
        blank=True,
        help_text=_("How the authority qualified and graded the case."),
    )
    risk_assessment = models.TextField(
        _("risk assessment (风险评估)"),
        blank=True,
        help_text=_("The authority's assessment of the risk: sums, elders involved, stability."),
    )
    follow_up = models.TextField(
        _("follow-up handling (后续处置)"),
        blank=True,
        help_text=_("What the authority decided to do next, and what the bureau is asked to do."),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    objects = DeterminationQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["scope_path", "updated_at"])

    class Meta:
        verbose_name = _("illegal-fundraising determination")
        verbose_name_plural = _("illegal-fundraising determinations")
        ordering = ["-determined_on", "-pk"]
        indexes = [models.Index(fields=["institution", "result", "determined_on"])]

    def __str__(self):
        number = f" · {self.document_number}" if self.document_number else ""
        return f"{self.get_result_display()}{number}"

    def get_absolute_url(self):
        return reverse("screening:determination_detail", args=[self.pk])

    @property
    def is_illegal_fundraising(self) -> bool:
        return self.result == DeterminationResult.ILLEGAL_FUNDRAISING

    def clean(self):
        self.authority = (self.authority or "").strip()
        self.document_number = (self.document_number or "").strip()
        if self.result in DECIDED_RESULTS and not self.document_number:
            raise ValidationError(
                {
                    "document_number": _(
                        "Give the number of the document in which the authority decided."
                    )
                }
            )
