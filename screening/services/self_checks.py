"""Writes to self-checks (自查自改, ``models/self_checks.py``): township staff enter what the
institution's signed paper says; one per institution and round. Township staff never delete
(the county section may delete a wrong entry through ``records.delete_record``); the
history names who entered or changed what."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ..models import SelfCheck
from .records import require_editor

HISTORY_REASON_LENGTH = 100


@transaction.atomic
def save_self_check(*, user, check: SelfCheck, reason: str = "") -> SelfCheck:
    """Create or update one self-check after validation."""
    require_editor(user, check.institution)
    others = SelfCheck.objects.filter(institution=check.institution, round=check.round)
    if check.pk:
        others = others.exclude(pk=check.pk)
    if check.round and others.exists():
        # Said in words before the database's constraint would say it less clearly.
        raise ValidationError(
            {
                "round": _(
                    "This institution's self-check for %(round)s is already recorded: edit "
                    "that one."
                )
                % {"round": check.get_round_display()}
            }
        )
    check.full_clean()
    if check.pk is None:
        check.created_by = user
    check._history_user = user
    if reason:
        check._change_reason = reason[:HISTORY_REASON_LENGTH]
    check.save()
    return check
