"""Writes of penalties (区县方案 二(三)四 联合惩戒), on the rules of ``common.py``: each
function checks the user's role and unit, owns its transaction and names the user in the
history. Nothing here deletes a row: a penalty recorded in error is withdrawn, with a reason.

A township (or the county section) records the decision an authority made; the county
section puts it forward for the joint-punishment list (提请纳入联合惩戒对象名单), which the
provincial authority keeps.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import Penalty
from .common import _in_scope, _save, require_editor


@transaction.atomic
def record_penalty(*, user, penalty: Penalty, today: date | None = None) -> Penalty:
    """A decision of an authority against the institution or one of its people."""
    today = today or timezone.localdate()
    require_editor(user, penalty.institution)
    if penalty.pk is not None:
        raise ValidationError(_("A penalty is recorded once; withdraw it to correct it."))
    if penalty.decided_on and penalty.decided_on > today:
        raise ValidationError({"decided_on": _("The date cannot be in the future.")})
    if penalty.person_id_number and not (penalty.person_name or "").strip():
        raise ValidationError({"person_name": _("Name the person the ID number belongs to.")})
    penalty.created_by = user
    penalty.full_clean()
    return _save(penalty, user, _("Penalty recorded"))


def _locked(penalty: Penalty) -> Penalty:
    return Penalty.objects.select_for_update().select_related("institution").get(pk=penalty.pk)


@transaction.atomic
def propose_penalty(
    *, user, penalty: Penalty, note: str = "", today: date | None = None
) -> Penalty:
    """The county section puts a penalty forward for the joint-punishment list (联合惩戒).

    The plan names who goes on the list: those punished for illegal fundraising or for
    defrauding elders by deception. A penalty on another ground is not put forward."""
    today = today or timezone.localdate()
    if not (user.can_review and _in_scope(user, penalty.institution)):
        raise PermissionDenied(_("Only the county section proposes for joint punishment."))
    penalty = _locked(penalty)
    if penalty.is_withdrawn:
        raise ValidationError(_("This penalty was withdrawn."))
    if penalty.is_proposed:
        raise ValidationError(_("This penalty is already proposed for joint punishment."))
    if not penalty.on_listed_ground:
        raise ValidationError(
            _(
                "Only those punished for illegal fundraising or for defrauding elders by "
                "deception are proposed for the joint-punishment list."
            ),
            code="not_listed_ground",
        )
    penalty.proposed_on = today
    penalty.proposed_by = user
    penalty.proposal_note = (note or "").strip()[:255]
    return _save(penalty, user, _("Proposed for joint punishment"))


@transaction.atomic
def withdraw_penalty(*, user, penalty: Penalty, reason: str) -> Penalty:
    """Withdraw a penalty recorded in error or set aside on review (复议, 诉讼): it leaves the
    list and the counts, and stays in the history. Once the county section has proposed it,
    only the county section withdraws it."""
    require_editor(user, penalty.institution)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the penalty is withdrawn.")})
    penalty = _locked(penalty)
    if penalty.is_withdrawn:
        raise ValidationError(_("This penalty was withdrawn."))
    if penalty.is_proposed and not user.can_review:
        raise PermissionDenied(
            _(
                "This penalty is proposed for joint punishment: only the county section "
                "withdraws it."
            )
        )
    penalty.withdrawn_at = timezone.now()
    penalty.withdrawn_by = user
    penalty.withdrawal_reason = reason[:255]
    return _save(penalty, user, _("Withdrawn: %(reason)s") % {"reason": reason})
