"""What a caller may do: the permission properties of ``accounts.User``, as on the pages."""

from django.utils.translation import gettext_lazy as _
from rest_framework import permissions


class RolePermission(permissions.BasePermission):
    """Reads for every authenticated account (``visible_to`` decides which rows); a write
    needs the property the view names in ``write_permission`` (``can_edit_registry``…), the
    same one the page's view asks. The services ask it again."""

    message = _("Your role does not allow this.")

    def has_permission(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return False
        if request.method in permissions.SAFE_METHODS:
            return True
        wanted = getattr(view, "write_permission", None)
        return bool(wanted) and bool(getattr(request.user, wanted, False))
