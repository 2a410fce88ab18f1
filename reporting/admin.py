from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from core.admin import SubtreeAdminMixin

from .models import PublicityActivity, WeeklyReport, WorkingGroupMember


class ScopedAdmin(SubtreeAdminMixin, SimpleHistoryAdmin):
    """Rows of the admin's own subtree; nothing is deleted (history stays traceable)."""

    readonly_fields = ["scope_path", "created_at", "updated_at", "created_by"]

    def has_delete_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return self.model._default_manager.visible_to(request.user)

    def save_model(self, request, obj, form, change):
        if obj.pk is None:
            obj.created_by = request.user
        obj._history_user = request.user
        super().save_model(request, obj, form, change)


@admin.register(WorkingGroupMember)
class WorkingGroupMemberAdmin(ScopedAdmin):
    """附件1: the county enters its working group here (and each township its 工作专班)."""

    list_display = ["unit", "role", "name", "unit_name", "post", "phone", "order"]
    list_filter = ["role"]
    list_editable = ["order"]
    search_fields = ["name", "unit_name"]


@admin.register(PublicityActivity)
class PublicityActivityAdmin(ScopedAdmin):
    list_display = ["held_on", "township", "place_type", "place_name", "participants"]
    list_filter = ["place_type"]
    raw_id_fields = ["institution"]


@admin.register(WeeklyReport)
class WeeklyReportAdmin(ScopedAdmin):
    list_display = ["township", "year", "week", "status", "submitted_at", "submitted_by"]
    list_filter = ["status", "year"]
    readonly_fields = [*ScopedAdmin.readonly_fields, "submitted_at", "submitted_by"]
