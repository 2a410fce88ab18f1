"""Read-mostly admin: ratings change only through the review (services), never by hand here."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from core.admin import SubtreeAdminMixin

from .models import Assessment, LevelChange, ThresholdVersion


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Assessment)
class AssessmentAdmin(SubtreeAdminMixin, ReadOnlyAdmin, SimpleHistoryAdmin):
    list_display = ["institution", "level", "override_level", "state", "computed_at"]
    list_filter = ["level", "state"]
    search_fields = ["institution__name"]
    raw_id_fields = ["institution"]

    def get_queryset(self, request):
        return Assessment.objects.visible_to(request.user).select_related(
            "institution", "threshold_version"
        )


@admin.register(ThresholdVersion)
class ThresholdVersionAdmin(ReadOnlyAdmin):
    list_display = ["unit", "number", "created_by", "created_at", "note"]

    def get_queryset(self, request):
        return ThresholdVersion.objects.visible_to(request.user).select_related("unit")


@admin.register(LevelChange)
class LevelChangeAdmin(ReadOnlyAdmin):
    list_display = ["institution", "previous_level", "level", "kind", "changed_by", "changed_at"]
    list_filter = ["kind", "level"]

    def get_queryset(self, request):
        return LevelChange.objects.visible_to(request.user).select_related("institution")
