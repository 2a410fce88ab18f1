"""Writes to public opinion events (负面舆情, ``models/opinion.py``).

A 重大 event about an institution establishes the standing finding 「引起不良影响或重大舆情」
(R5) from the moment it is recorded as 重大 (``major_since``). Like the other standing
findings it then ends only by the county section's resolution with a reason
(``services/findings.py``): township staff cannot lower a recorded 重大 event to 一般 nor move
it to another institution; the county section corrects a wrong entry. Nothing is deleted:
an event is closed with its outcome.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core import clock

from ..models import OpinionEvent, OpinionLevel
from .visits import in_scope

HISTORY_REASON_LENGTH = 100


def _unit_in_scope(user, unit) -> bool:
    if user.is_superuser:
        return True
    return user.unit_id is not None and unit is not None and unit.path.startswith(user.unit.path)


def _stored(event: OpinionEvent):
    if event.pk is None:
        return None
    return OpinionEvent.objects.filter(pk=event.pk).values("level", "institution_id").first()


@transaction.atomic
def save_opinion_event(*, user, event: OpinionEvent) -> OpinionEvent:
    """Create or update an event (its record, response, outcome and closing)."""
    if not user.can_edit_registry:
        raise PermissionDenied(_("Your role does not allow this."))
    if not _unit_in_scope(user, event.unit if event.unit_id else None):
        raise PermissionDenied(_("This township is outside your unit."))
    if event.institution_id:
        institution = event.institution
        if not in_scope(user, institution):
            raise PermissionDenied(_("This institution is outside your unit."))
        if not institution.scope_path.startswith(event.unit.path):
            raise ValidationError(
                {"institution": _("This institution is not in the event's township.")}
            )
    stored = _stored(event)
    if (
        stored is not None
        and stored["level"] == OpinionLevel.MAJOR
        and stored["institution_id"] is not None
        and (event.level != OpinionLevel.MAJOR or event.institution_id != stored["institution_id"])
        and not user.can_review
    ):
        raise ValidationError(
            _(
                "A major event about an institution stands as its finding until the county "
                "section resolves it: only the county section changes its level or "
                "institution."
            )
        )
    event.full_clean()
    if event.level == OpinionLevel.MAJOR:
        if event.major_since is None:
            event.major_since = clock.now()
    else:
        event.major_since = None
    if event.pk is None:
        event.created_by = user
    event._history_user = user
    event.save()
    return event
