from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import OrgUnit, User


@admin.register(OrgUnit)
class OrgUnitAdmin(admin.ModelAdmin):
    list_display = ["name", "level", "code", "parent"]
    list_filter = ["level"]
    search_fields = ["name", "code"]
    list_select_related = ["parent"]
    raw_id_fields = ["parent"]
    readonly_fields = ["path"]

    def get_queryset(self, request):
        return OrgUnit.objects.visible_to(request.user)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "last_name", "first_name", "unit", "role", "is_active"]
    list_filter = ["role", "is_active", "unit__level"]
    list_select_related = ["unit"]
    raw_id_fields = ["unit"]
    fieldsets = DjangoUserAdmin.fieldsets + (
        (_("Unit and role"), {"fields": ("unit", "role", "phone")}),
    )
    add_fieldsets = DjangoUserAdmin.add_fieldsets + (
        (_("Unit and role"), {"fields": ("unit", "role", "phone")}),
    )

    def get_queryset(self, request):
        return User.objects.visible_to(request.user).select_related("unit")
