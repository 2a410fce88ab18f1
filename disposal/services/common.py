"""What every disposal service shares: the role and unit checks, and a save that names the
user (and why) in the history (django-simple-history)."""

from __future__ import annotations

from datetime import date

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
