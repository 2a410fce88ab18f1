"""自查自改: the institution's own check against the plan's 检查内容, entered by township staff
from the paper the institution signed.

衡山县 §三: 各阶段均应将自查自改、督导检查等工作贯穿始终; §三.一 自查自改阶段: 要求各养老服务
机构对照检查内容，认真开展自查自改. The 检查内容 are the plan's 摸排事项 (§一.二 第三, 第四):
运营主体、营销方式、收费方式、关联公司, 投资人、法定代表人因经济类犯罪被提起诉讼, 被纳入黑名单,
收取大额预付费、预付费涉及人数、预付费资金使用情况, 承诺投资回报"炒床位", 告知风险. One
self-check per institution and round; what it found, what was fixed and by when.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.scoping import ScopedModel

from .records import not_in_future
from .visits import ScreeningRound

# The plan's 检查内容, in its order: (field, label). A field is True when the institution's
# self-check found a problem in that item; the form shows them as one group of boxes.
CHECK_ITEMS = (
    ("issue_operating_entity", _("Operating entity")),
    ("issue_marketing", _("Marketing methods")),
    ("issue_charging", _("Charging methods")),
    ("issue_related_companies", _("Related companies")),
    ("issue_economic_crime_suits", _("Investor or legal representative sued for economic crime")),
    ("issue_blacklists", _("On an elder-care, enterprise or social organisation blacklist")),
    ("issue_large_prepayments", _("Large prepayments and the number of payers")),
    ("issue_prepayment_use", _("Use of the prepaid funds")),
    ("issue_promised_returns", _("Promised investment returns (bed speculation)")),
    ("issue_risk_notice", _("Informing elders of the risks")),
)
CHECK_FIELDS = tuple(name for name, _label in CHECK_ITEMS)


class Rectification(models.TextChoices):
    """Where the 自改 stands, derived from the record (never typed)."""

    NO_PROBLEM = "no_problem", _("No problem found")
    OPEN = "open", _("Being rectified")
    OVERDUE = "overdue", _("Rectification overdue")
    FIXED = "fixed", _("Rectified")


def _item(label):
    return models.BooleanField(label, default=False)


class SelfCheck(ScopedModel):
    institution = models.ForeignKey(
        "institutions.Institution",
        verbose_name=_("institution"),
        on_delete=models.PROTECT,
        related_name="self_checks",
    )
    round = models.CharField(_("round"), max_length=16, choices=ScreeningRound.choices)
    checked_on = models.DateField(_("self-check date"), validators=[not_in_future])
    signed_by = models.CharField(
        _("signed by"),
        max_length=50,
        help_text=_("Who in the institution signed the self-check."),
    )
    signer_position = models.CharField(
        _("position"), max_length=50, blank=True, help_text=_("e.g. legal representative, head")
    )
    issue_operating_entity = _item(CHECK_ITEMS[0][1])
    issue_marketing = _item(CHECK_ITEMS[1][1])
    issue_charging = _item(CHECK_ITEMS[2][1])
    issue_related_companies = _item(CHECK_ITEMS[3][1])
    issue_economic_crime_suits = _item(CHECK_ITEMS[4][1])
    issue_blacklists = _item(CHECK_ITEMS[5][1])
    issue_large_prepayments = _item(CHECK_ITEMS[6][1])
    issue_prepayment_use = _item(CHECK_ITEMS[7][1])
    issue_promised_returns = _item(CHECK_ITEMS[8][1])
    issue_risk_notice = _item(CHECK_ITEMS[9][1])
    findings = models.TextField(_("problems found"), blank=True)
    measures = models.TextField(_("rectification measures"), blank=True)
    fix_by = models.DateField(_("rectify by"), null=True, blank=True)
    fixed_on = models.DateField(
        _("rectified on"), null=True, blank=True, validators=[not_in_future]
    )

    history = HistoricalRecords(excluded_fields=["scope_path", "updated_at"])

    class Meta:
        verbose_name = _("self-check")
        verbose_name_plural = _("self-checks")
        ordering = ["-checked_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["institution", "round"], name="one_self_check_per_institution_round"
            )
        ]

    def __str__(self):
        return f"{self.get_round_display()} · {self.checked_on}"

    def get_absolute_url(self):
        return reverse("screening:self_check_detail", args=[self.pk])

    @property
    def problem_items(self) -> list:
        """The labels of the items where the self-check found a problem."""
        return [label for name, label in CHECK_ITEMS if getattr(self, name)]

    @property
    def problems_found(self) -> bool:
        return any(getattr(self, name) for name in CHECK_FIELDS)

    def rectification(self, today=None) -> str:
        if not self.problems_found:
            return Rectification.NO_PROBLEM
        if self.fixed_on:
            return Rectification.FIXED
        today = today or timezone.localdate()
        if self.fix_by and self.fix_by < today:
            return Rectification.OVERDUE
        return Rectification.OPEN

    def clean(self):
        errors = {}
        if self.problems_found:
            if not (self.findings or "").strip():
                errors["findings"] = _("Say what the self-check found.")
            if not (self.measures or "").strip():
                errors["measures"] = _("Say what is being done to rectify it.")
            if self.fix_by is None:
                errors["fix_by"] = _("Give the date by which it is to be rectified.")
        elif self.fixed_on:
            errors["fixed_on"] = _("Nothing to rectify: no item has a problem.")
        if self.checked_on:
            for name in ("fix_by", "fixed_on"):
                value = getattr(self, name)
                if value and value < self.checked_on:
                    errors[name] = _("The date cannot be before the self-check.")
        if errors:
            raise ValidationError(errors)
