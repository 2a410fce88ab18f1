"""Recording the competent authority's determination of illegal fundraising (衡山县 §二.二
配合做好非法集资的调查认定、定性定级、风险评估、后续处置等工作; ``models/determinations.py``).

The determination comes to the county: only the county section records and corrects one,
for an institution of its county; townships see them. A correction is an edit, kept in the
history with who made it; nothing is deleted. The rating hears of the save
(``risklists.receivers``) and re-rates the institution: a determination of 认定为非法集资
is the suspected-crime finding (R2) and makes the institution 属于非法集资的 for disposal.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import FundraisingDetermination
from .visits import HISTORY_REASON_LENGTH, in_scope


def can_record(user) -> bool:
    """Only the county section records a determination (townships read them)."""
    return bool(user.can_review)


def _require_county(user, institution):
    if not can_record(user):
        raise PermissionDenied(_("Only the county section records a determination."))
    if not in_scope(user, institution):
        raise PermissionDenied(_("This institution is outside your unit."))


@transaction.atomic
def save_determination(
    *, user, determination: FundraisingDetermination
) -> FundraisingDetermination:
    """Record a new determination or correct one; the history names ``user``."""
    _require_county(user, determination.institution)
    if determination.determined_on and determination.determined_on > timezone.localdate():
        raise ValidationError({"determined_on": _("The date cannot be in the future.")})
    new = determination.pk is None
    if new:
        determination.created_by = user
        determination.recorded_by = user
    determination.full_clean()
    determination._history_user = user
    if new:
        reason = _("Determination recorded: %(result)s")
    else:
        reason = _("Determination corrected: %(result)s")
    determination._change_reason = (reason % {"result": determination.get_result_display()})[
        :HISTORY_REASON_LENGTH
    ]
    determination.save()
    return determination
