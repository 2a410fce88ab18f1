"""Users and units in the admin, within the administrator's own subtree.

A unit's administrator (``is_staff``, not a superuser) manages the users and units of their
unit's subtree: they never see or change a superuser, never tick ``is_superuser`` or
``is_staff`` or hand out groups and permissions (those fields are read-only for them), never
choose a unit outside their subtree for a user or as a unit's parent, and never change their
own unit (moving it would move them out of their own bounds). Only a superuser does those.
Every change is kept by django-simple-history (the models' ``history``) and the admin's log.
"""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from core.admin import SubtreeAdminMixin, restrict_to_superusers

from .models import OrgUnit, User

# What only a superuser may give: these make a user see or do more than their unit allows.
PRIVILEGE_FIELDS = ("is_superuser", "is_staff", "groups", "user_permissions")


def _within_subtree(request, unit) -> bool:
    user = request.user
    if user.is_superuser:
        return True
    return unit is not None and user.unit_id is not None and unit.path.startswith(user.unit.path)


@admin.register(OrgUnit)
class OrgUnitAdmin(SubtreeAdminMixin, SimpleHistoryAdmin):
    list_display = ["name", "level", "code", "parent"]
    list_filter = ["level"]
    search_fields = ["name", "code"]
    list_select_related = ["parent"]
    raw_id_fields = ["parent"]
    readonly_fields = ["path"]

    def get_queryset(self, request):
        return OrgUnit.objects.visible_to(request.user)

    def _is_own_unit(self, request, obj) -> bool:
        return obj is not None and not request.user.is_superuser and obj.pk == request.user.unit_id

    def has_change_permission(self, request, obj=None):
        # The administrator's own unit is the root of their bounds: its parent, name and
        # level are the upper unit's to change.
        if self._is_own_unit(request, obj):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if self._is_own_unit(request, obj):
            return False
        return super().has_delete_permission(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "parent" and not request.user.is_superuser:
            # A unit without a parent is a root, outside every administrator's subtree.
            field.required = True
        return field

    def save_model(self, request, obj, form, change):
        if not _within_subtree(request, obj.parent):
            raise PermissionDenied(_("A unit can only be placed inside your own unit."))
        obj._history_user = request.user
        super().save_model(request, obj, form, change)


class ResetPasswordForm(AdminPasswordChangeForm):
    """A password an administrator sets is known to two people: the user changes it at their
    next login."""

    def save(self, commit=True):
        self.user.must_change_password = True
        return super().save(commit=commit)


@admin.register(User)
class UserAdmin(SubtreeAdminMixin, SimpleHistoryAdmin, DjangoUserAdmin):
    list_display = ["username", "last_name", "first_name", "unit", "role", "is_active"]
    list_filter = ["role", "is_active", "unit__level"]
    list_select_related = ["unit"]
    raw_id_fields = ["unit"]
    change_password_form = ResetPasswordForm
    fieldsets = DjangoUserAdmin.fieldsets + (
        (_("Unit and role"), {"fields": ("unit", "role", "phone", "must_change_password")}),
    )
    add_fieldsets = DjangoUserAdmin.add_fieldsets + (
        (_("Unit and role"), {"fields": ("unit", "role", "phone")}),
    )

    def get_queryset(self, request):
        users = User.objects.visible_to(request.user).select_related("unit")
        if not request.user.is_superuser:
            # A superuser's account (password, unit, flags) is not a unit administrator's.
            users = users.filter(is_superuser=False)
        return users

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            fields += [name for name in PRIVILEGE_FIELDS if name not in fields]
        return fields

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "unit" and not request.user.is_superuser:
            # A user without a unit sees nothing, and is seen by no administrator.
            field.required = True
        return field

    def save_model(self, request, obj, form, change):
        if not request.user.is_superuser:
            if not _within_subtree(request, obj.unit):
                raise PermissionDenied(_("A user can only be given a unit inside your own unit."))
            if change:
                stored = User.objects.filter(pk=obj.pk).values(*PRIVILEGE_FIELDS[:2]).first()
                if stored and any(stored[name] != getattr(obj, name) for name in stored):
                    raise PermissionDenied(_("Only a superuser grants administrator rights."))
            elif obj.is_superuser or obj.is_staff:
                raise PermissionDenied(_("Only a superuser grants administrator rights."))
        if not change:
            # Created with a password the administrator chose: the user replaces it first.
            obj.must_change_password = True
        obj._history_user = request.user
        super().save_model(request, obj, form, change)


# The periodic tasks' schedules (django_celery_beat, registered before this app's admin) run
# for every county: only a superuser sees or edits them, whatever a group grants.
restrict_to_superusers(admin.site, "django_celery_beat")
