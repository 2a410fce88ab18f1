"""Issuing and revoking API keys: the county section's, for system accounts of its subtree.

A system account is an ``accounts.User`` with ``is_system_account``, a unit and a role, and
no usable password: it never opens the pages. The key is returned once, here, and only its
hash is kept.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.crypto import get_random_string
from django.utils.translation import gettext as _

from accounts.models import OrgUnit, Role, User
from core import clock

from .models import ApiKey

# The roles a system account may have: what a township's field app, the county's own
# systems and a leaders' dashboard do. Never an administrator.
SYSTEM_ROLES = (Role.TOWNSHIP_STAFF, Role.COUNTY_REVIEWER, Role.LEADER)


def _require_manager(user):
    if not getattr(user, "can_manage_api_keys", False):
        raise PermissionDenied(_("Only the county section issues and revokes API keys."))


def _in_subtree(user, unit: OrgUnit) -> bool:
    return user.is_superuser or (user.unit_id is not None and unit.is_within(user.unit))


@transaction.atomic
def create_system_account(*, user, name: str, unit: OrgUnit, role: str) -> User:
    _require_manager(user)
    if not _in_subtree(user, unit):
        raise PermissionDenied(_("This unit is outside your unit."))
    if role not in SYSTEM_ROLES:
        raise ValidationError({"role": _("A system account cannot have this role.")})
    account = User(
        username=f"api-{get_random_string(10, 'abcdefghijklmnopqrstuvwxyz0123456789')}",
        first_name=name[:150],
        unit=unit,
        role=role,
        is_system_account=True,
    )
    account.set_unusable_password()
    account._history_user = user
    account._change_reason = _("System account created for the API")
    account.save()
    return account


@transaction.atomic
def issue_key(*, user, account: User, name: str) -> tuple[ApiKey, str]:
    """A new key for ``account``; the second value is the key itself, shown once."""
    _require_manager(user)
    if not account.is_system_account:
        raise ValidationError({"account": _("Keys are issued for system accounts only.")})
    if account.unit_id is None or not _in_subtree(user, account.unit):
        raise PermissionDenied(_("This system account is outside your unit."))
    return ApiKey.objects.create_key(account=account, name=name, created_by=user)


@transaction.atomic
def revoke_key(*, user, key: ApiKey) -> ApiKey:
    """Refused from the next request on; a revoked key cannot be restored."""
    _require_manager(user)
    key = ApiKey.objects.visible_to(user).select_for_update().get(pk=key.pk)
    if not key.revoked:
        key.revoked = True
        key.revoked_at = clock.now()
        key.revoked_by = user
        key.save(update_fields=["revoked", "revoked_at", "revoked_by"])
    return key
