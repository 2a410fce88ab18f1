"""Writes to the outside records beyond their matching (``matching.py``): the verification
(甄别) of a complaint.

区县方案·畅通线索举报渠道: 对收集到的举报线索进行甄别. An imported complaint counts for the
rating (O2 被投诉举报) only once someone has verified it as substantiated; found groundless
(with the reason) it stops counting. The history names who verified it, when and why.
"""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core import clock

from ..models import Complaint, Verification
from .visits import HISTORY_REASON_LENGTH

OUTCOMES = (Verification.SUBSTANTIATED, Verification.GROUNDLESS)


def can_verify(user) -> bool:
    """Those who verify leads verify complaints: township staff and the county section."""
    return bool(user.can_edit_registry)


@transaction.atomic
def verify_complaint(
    *, user, complaint: Complaint, outcome: str, verified_on: date | None = None, note: str = ""
) -> Complaint:
    """Record what the verification found; a groundless finding needs its reason."""
    if not can_verify(user):
        raise PermissionDenied(_("Your role does not allow this."))
    if not Complaint.objects.visible_to(user).filter(pk=complaint.pk).exists():
        raise PermissionDenied(_("This record is outside your unit."))
    if outcome not in OUTCOMES:
        raise ValidationError({"outcome": _("Choose what the verification found.")})
    note = (note or "").strip()
    if outcome == Verification.GROUNDLESS and not note:
        raise ValidationError({"note": _("Give the reason why the complaint is groundless.")})
    verified_on = verified_on or clock.today()
    if verified_on > clock.today():
        raise ValidationError({"verified_on": _("The date cannot be in the future.")})
    if verified_on < complaint.received_on:
        raise ValidationError(
            {"verified_on": _("The date cannot be before the complaint was received.")}
        )
    current = Complaint.objects.select_for_update().get(pk=complaint.pk)
    if current.verification == outcome:
        raise ValidationError(
            _("The complaint is already recorded as %(outcome)s.")
            % {"outcome": Verification(outcome).label}
        )
    complaint.verification = outcome
    complaint.verified_on = verified_on
    complaint.verified_by = user
    complaint.verification_note = note
    complaint._history_user = user
    label = Verification(outcome).label
    complaint._change_reason = (f"{label}: {note}" if note else str(label))[:HISTORY_REASON_LENGTH]
    complaint.save()
    return complaint
