"""Findings that stay found (区县方案 二(二)二: 已经"爆雷", 涉嫌非法集资、诈骗等犯罪行为,
引起不良影响或重大舆情, 承诺投资回报"炒床位", 虚假或夸大宣传, 有关联公司且存在关联交易).

Such a finding is a fact of the institution's past: once a submitted visit or another
record says so, it stands, whatever later visits do not find, until the county section
resolves it with a reason. The findings themselves are not stored twice: they are read
from the visits and records (``selectors/findings.py``); what is stored is each
resolution, which covers every record of that fact recorded up to its moment. A record of
the fact made after it establishes the fact again.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.scoping import ScopedModel


class StandingFact(models.TextChoices):
    # The values are the rating's fact names (risklists.engine.Facts).
    COLLAPSED = "collapsed", _("Already collapsed (爆雷)")
    SUSPECTED_CRIME = "suspected_crime", _("Suspected illegal fundraising or fraud")
    PUBLIC_OPINION = "public_opinion", _("Bad influence or major public opinion")
    PROMISED_RETURNS = "promised_returns", _("Promised investment returns (bed speculation)")
    FALSE_ADVERTISING = "false_advertising", _("False or exaggerated advertising")
    RELATED_PARTY_TRANSACTIONS = (
        "related_party_transactions",
        _("Related companies with related-party transactions"),
    )


class SourceKind(models.TextChoices):
    """The kinds of record that establish a standing finding (and count as complaints)."""

    VISIT = "visit", _("Screening visit")
    PREPAYMENT = "prepayment", _("Prepayment record")
    RELATED_COMPANY = "related_company", _("Related company")
    COMPLAINT = "complaint", _("Complaint or report")
    LEAD = "lead", _("Lead")
    OPINION_EVENT = "opinion_event", _("Public opinion event")
    # 衡山县 §二.二 调查认定: the competent authority's determination (models/determinations.py).
    DETERMINATION = "determination", _("Illegal-fundraising determination")


class FindingResolution(ScopedModel):
    """The county section's decision that a standing finding no longer holds, and why.

    It resolves the finding as established by every record of the fact recorded up to
    ``resolved_at``; the record that had established it is kept for the history.
    """

    institution = models.ForeignKey(
        "institutions.Institution",
        verbose_name=_("institution"),
        on_delete=models.PROTECT,
        related_name="finding_resolutions",
    )
    fact = models.CharField(_("finding"), max_length=32, choices=StandingFact.choices)
    source_kind = models.CharField(
        _("established by"), max_length=16, choices=SourceKind.choices, blank=True
    )
    source_id = models.PositiveBigIntegerField(_("record"), null=True, blank=True)
    source_date = models.DateField(_("established on"), null=True, blank=True)
    reason = models.TextField(_("reason"))
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("resolved by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    resolved_at = models.DateTimeField(_("resolved at"), db_index=True)

    history = HistoricalRecords(excluded_fields=["scope_path", "updated_at"])

    class Meta:
        verbose_name = _("resolved finding")
        verbose_name_plural = _("resolved findings")
        ordering = ["-resolved_at", "-pk"]
        indexes = [models.Index(fields=["institution", "fact", "resolved_at"])]

    def __str__(self):
        return f"{self.institution_id} · {self.get_fact_display()}"
