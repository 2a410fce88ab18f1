"""What every disposal service shares: the role and unit checks, and a save that names the
user (and why) in the history (django-simple-history)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from institutions.models import Institution

REASON_LENGTH = 100  # simple-history's history_change_reason column


def _reason(obj, text: str):
    if text:
        obj._change_reason = str(text)[:REASON_LENGTH]


def _save(obj, user, reason: str = ""):
    obj._history_user = user
    _reason(obj, reason)
    obj.save()
    return obj


def _in_scope(user, institution: Institution) -> bool:
    if user.is_superuser:
        return True
    return user.unit_id is not None and institution.scope_path.startswith(user.unit.path)


def require_editor(user, institution: Institution):
    """Township staff and the county section change disposal; leaders only read."""
    if not user.can_edit_registry:
        raise PermissionDenied(_("Your role does not allow this."))
    if not _in_scope(user, institution):
        raise PermissionDenied(_("This institution is outside your unit."))


def _not_future(value: date | None, field_name: str, today: date):
    if value and value > today:
        raise ValidationError({field_name: _("The date cannot be in the future.")})


def refuse_while_owed(user, owed: Decimal, reason: str, field: str) -> None:
    """Money still owed to elders: refused, unless the county section says why."""
    amount = f"{owed:,.2f}"
    if not user.can_review:
        raise ValidationError(
            _(
                "Its elders are still owed %(amount)s yuan (the refund ledger): record the "
                "refunds first. Where the money is not refunded here (for example transferred "
                "to the police with the refund claim), the county section does it and records "
                "why."
            )
            % {"amount": amount},
            code="refunds_outstanding",
        )
    if not reason:
        raise ValidationError(
            {
                field: ValidationError(
                    _(
                        "Its elders are still owed %(amount)s yuan: say why it is done all the "
                        "same (for example transferred to the police with the refund claim)."
                    )
                    % {"amount": amount},
                    code="refunds_outstanding",
                )
            }
        )
