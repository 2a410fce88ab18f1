"""The one ledger of money paid back to elders: each refund is a dated entry against the
prepayment record it returns (区县方案: 督促清退资金; 清零行动: 责令退还资金).

Every page and table reads refunds from here (the institution page, disposal's refund
pages, 附件4, 附件6, the exports); a prepayment record's ``refunded_amount`` is the sum of
its entries, kept by the ledger's service for the rating's set-based reads, never typed.
Entries are never deleted or edited: a wrong one is cancelled by a reversal entry (the
same amount, negative, dated when it was reversed, with the reason), so that a pack built
as of an earlier cut-off gives the same figures later.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.scoping import ScopedModel

from .records import PrepaymentRecord, not_in_future

MONEY = dict(max_digits=14, decimal_places=2)


class PrepaymentRefund(ScopedModel):
    """One refund paid to an elder against one prepayment record, or the reversal of one."""

    prepayment = models.ForeignKey(
        PrepaymentRecord,
        verbose_name=_("prepayment record"),
        on_delete=models.PROTECT,
        related_name="refunds",
    )
    # The prepayment's institution, copied: the ledger is read per institution in set-based
    # queries (and scoped through it) without a join.
    institution = models.ForeignKey(
        "institutions.Institution",
        verbose_name=_("institution"),
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    amount = models.DecimalField(
        _("refunded (yuan)"),
        help_text=_("Negative for the reversal of a wrong entry."),
        **MONEY,
    )
    refunded_on = models.DateField(_("refunded on"), validators=[not_in_future])
    reverses = models.OneToOneField(
        "self",
        verbose_name=_("reverses"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reversal",
        editable=False,
    )
    notes = models.CharField(_("notes"), max_length=255, blank=True)

    history = HistoricalRecords(excluded_fields=["scope_path", "updated_at"])

    class Meta:
        verbose_name = _("refund to an elder")
        verbose_name_plural = _("refunds to elders")
        ordering = ["prepayment", "refunded_on", "pk"]
        indexes = [models.Index(fields=["institution", "refunded_on"])]
        constraints = [
            # A refund is positive; only a reversal is negative, and it names what it cancels.
            models.CheckConstraint(
                condition=Q(reverses__isnull=True, amount__gt=0)
                | Q(reverses__isnull=False, amount__lt=0),
                name="refund_positive_reversal_negative",
            )
        ]

    def __str__(self):
        return f"{self.prepayment.payer_name} · {self.amount} · {self.refunded_on}"

    @property
    def is_reversal(self) -> bool:
        return self.reverses_id is not None

    def scope_source(self):
        return self.institution.scope_path

    def save(self, *args, **kwargs):
        if self.institution_id is None and self.prepayment_id is not None:
            self.institution_id = self.prepayment.institution_id
        super().save(*args, **kwargs)
