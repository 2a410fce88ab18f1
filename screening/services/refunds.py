"""Writes of the refund ledger: a refund paid to an elder against one prepayment record,
and the reversal of a wrong entry. Nothing here edits or deletes an entry.

Each write locks the prepayment record, adds the entry, and sets the record's
``refunded_amount`` to the sum of its entries (the rating's outstanding amount), in one
transaction with the history naming the user; the record's save is heard by the rating,
which re-rates the institution once the transaction has committed.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from core import clock

from ..models import PrepaymentRecord, PrepaymentRefund
from .visits import HISTORY_REASON_LENGTH, require_editor

ZERO = Decimal("0")
CENT = Decimal("0.01")


def _ledger_sum(prepayment: PrepaymentRecord) -> Decimal:
    return (
        PrepaymentRefund.objects.filter(prepayment=prepayment).aggregate(s=Sum("amount"))["s"]
        or ZERO
    )


def _settle(prepayment: PrepaymentRecord, user, reason: str) -> None:
    """The record's refunded amount is its ledger's sum (its history says why it moved)."""
    prepayment.refunded_amount = _ledger_sum(prepayment)
    prepayment._history_user = user
    prepayment._change_reason = reason[:HISTORY_REASON_LENGTH]
    prepayment.save()


def _locked(prepayment: PrepaymentRecord) -> PrepaymentRecord:
    return (
        PrepaymentRecord.objects.select_for_update()
        .select_related("institution")
        .get(pk=prepayment.pk)
    )


@transaction.atomic
def record_refund(
    *,
    user,
    prepayment: PrepaymentRecord,
    amount: Decimal,
    refunded_on: date,
    notes: str = "",
    today: date | None = None,
) -> PrepaymentRefund:
    """A refund paid to the elder on ``refunded_on``; never more than is still outstanding
    on the payment, never before it was paid nor in the future."""
    today = today or clock.today()
    prepayment = _locked(prepayment)
    require_editor(user, prepayment.institution)
    errors = {}
    outstanding = prepayment.amount - _ledger_sum(prepayment)
    if amount is None or amount < CENT:
        errors["amount"] = _("Give the amount refunded.")
    elif amount > outstanding:
        errors["amount"] = _("Only %(left)s yuan is still owed on this payment.") % {
            "left": f"{outstanding:,.2f}"
        }
    if refunded_on is None:
        errors["refunded_on"] = _("Give the date of the refund.")
    elif refunded_on > today:
        errors["refunded_on"] = _("The date cannot be in the future.")
    elif refunded_on < prepayment.paid_on:
        errors["refunded_on"] = _("The refund date is before the payment date.")
    if errors:
        raise ValidationError(errors)
    refund = PrepaymentRefund(
        prepayment=prepayment,
        institution=prepayment.institution,
        amount=amount,
        refunded_on=refunded_on,
        notes=(notes or "").strip(),
        created_by=user,
    )
    refund._history_user = user
    refund.full_clean()
    refund.save()
    _settle(
        prepayment,
        user,
        _("Refund of %(amount)s yuan on %(date)s")
        % {"amount": f"{amount:,.2f}", "date": refunded_on.isoformat()},
    )
    return refund


@transaction.atomic
def reverse_refund(
    *, user, refund: PrepaymentRefund, reason: str, today: date | None = None
) -> PrepaymentRefund:
    """Cancel a wrong entry with its reversal: the same amount, negative, dated today, with
    the reason. The entry stays, so what a pack counted before today does not change."""
    today = today or clock.today()
    prepayment = _locked(refund.prepayment)
    require_editor(user, prepayment.institution)
    refund = PrepaymentRefund.objects.select_for_update().get(pk=refund.pk)
    reason = (reason or "").strip()
    if refund.is_reversal:
        raise ValidationError(_("A reversal cannot itself be reversed: record the refund again."))
    if PrepaymentRefund.objects.filter(reverses=refund).exists():
        raise ValidationError(_("This refund has already been reversed."))
    if not reason:
        raise ValidationError({"reason": _("Say why the refund is reversed.")})
    reversal = PrepaymentRefund(
        prepayment=prepayment,
        institution=prepayment.institution,
        amount=-refund.amount,
        refunded_on=max(today, refund.refunded_on),
        reverses=refund,
        notes=reason[:255],
        created_by=user,
    )
    reversal._history_user = user
    reversal._change_reason = reason[:HISTORY_REASON_LENGTH]
    reversal.full_clean()
    reversal.save()
    _settle(
        prepayment,
        user,
        _("Refund of %(amount)s yuan reversed: %(reason)s")
        % {"amount": f"{refund.amount:,.2f}", "reason": reason},
    )
    return reversal
