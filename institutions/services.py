"""Writes to the registry. Each function owns its transaction and records who did it."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.scoping import propagate_scope

from .models import Institution


def _require_editor(user, institution: Institution | None = None):
    if not user.can_edit_registry:
        raise PermissionDenied(_("Your role cannot change the registry."))
    if institution is not None and institution.township_id:
        township = institution.township
        if not user.is_superuser and (
            user.unit is None or not township.path.startswith(user.unit.path)
        ):
            raise PermissionDenied(_("This township is outside your unit."))


@transaction.atomic
def save_institution(*, user, institution: Institution, reason: str = "") -> Institution:
    """Create or update an institution after validation; the history row names ``user``."""
    _require_editor(user, institution)
    institution.full_clean()
    if institution.pk is None:
        institution.created_by = user
    institution._history_user = user
    if reason:
        institution._change_reason = reason
    old_path = institution.scope_path
    institution.save()
    if old_path and old_path != institution.scope_path:
        propagate_scope(institution)
    return institution


@transaction.atomic
def archive_institution(*, user, institution: Institution, reason: str) -> Institution:
    """Take an institution off the active registry. Nothing is deleted; history keeps all."""
    _require_editor(user, institution)
    if not reason.strip():
        raise ValueError(_("Give a reason for archiving."))
    institution.archived_at = timezone.now()
    institution.archive_reason = reason.strip()
    institution._history_user = user
    institution._change_reason = reason.strip()
    institution.save()
    return institution


@transaction.atomic
def restore_institution(*, user, institution: Institution) -> Institution:
    _require_editor(user, institution)
    institution.archived_at = None
    institution.archive_reason = ""
    institution._history_user = user
    institution._change_reason = _("Restored")
    institution.save()
    return institution
