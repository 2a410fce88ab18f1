from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from core.admin import SubtreeAdminMixin

from .models import (
    ActionEvidence,
    Assistance,
    DeadlineSetting,
    DisposalAction,
    DisposalCase,
    DisposalPolicy,
    InstitutionPlan,
    Penalty,
    Resettlement,
    Transfer,
    ZeroingEntry,
)


class ScopedAdmin(SubtreeAdminMixin, SimpleHistoryAdmin):
    """Rows of the admin's own subtree; nothing is deleted (history stays traceable)."""

    raw_id_fields = ["institution"]
    readonly_fields = ["scope_path", "created_at", "updated_at", "created_by"]

    def has_delete_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return self.model._default_manager.visible_to(request.user).select_related("institution")


@admin.register(DisposalCase)
class DisposalCaseAdmin(ScopedAdmin):
    list_display = ["institution", "level", "level_applied_on", "assessment_id"]
    list_filter = ["level"]


@admin.register(DisposalAction)
class DisposalActionAdmin(ScopedAdmin):
    list_display = ["institution", "action_type", "status", "deadline", "overdue_since"]
    list_filter = ["status", "action_type", "level"]
    raw_id_fields = ["institution", "case", "responsible_user", "responsible_unit"]
    search_fields = ["institution__name", "document_number"]


@admin.register(ActionEvidence)
class ActionEvidenceAdmin(ScopedAdmin):
    list_display = ["original_name", "action", "size", "created_at"]
    raw_id_fields = ["institution", "action"]


@admin.register(ZeroingEntry)
class ZeroingEntryAdmin(ScopedAdmin):
    list_display = ["institution", "status", "outcome", "crossed_off_on"]
    list_filter = ["status", "outcome"]
    raw_id_fields = ["institution", "responsible_user", "transfer", "crossed_off_by"]


@admin.register(Resettlement)
class ResettlementAdmin(ScopedAdmin):
    list_display = ["institution", "elder_name", "destination", "resettled_on"]


@admin.register(Assistance)
class AssistanceAdmin(ScopedAdmin):
    list_display = ["institution", "elder_name", "kind", "granted_on"]


@admin.register(Transfer)
class TransferAdmin(ScopedAdmin):
    list_display = ["institution", "authority", "transferred_on", "document_number"]
    list_filter = ["authority"]


@admin.register(Penalty)
class PenaltyAdmin(ScopedAdmin):
    list_display = ["institution", "person_name", "kind", "decided_on", "document_number"]
    list_filter = ["kind", "ground"]
    raw_id_fields = ["institution", "proposed_by", "withdrawn_by"]
    search_fields = ["institution__name", "person_name", "document_number"]


@admin.register(InstitutionPlan)
class InstitutionPlanAdmin(SubtreeAdminMixin, admin.ModelAdmin):
    list_display = ["institution", "version", "created_at"]
    raw_id_fields = ["institution"]
    readonly_fields = ["scope_path", "created_at", "updated_at", "created_by"]

    def has_delete_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return InstitutionPlan.objects.visible_to(request.user).select_related("institution")


@admin.register(DeadlineSetting)
class DeadlineSettingAdmin(SubtreeAdminMixin, SimpleHistoryAdmin):
    list_display = ["unit", "action_type", "days"]
    raw_id_fields = ["unit"]

    def has_delete_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return DeadlineSetting.objects.visible_to(request.user).select_related("unit")


@admin.register(DisposalPolicy)
class DisposalPolicyAdmin(SubtreeAdminMixin, SimpleHistoryAdmin):
    list_display = ["unit", "mechanism_for_every_orange"]
    raw_id_fields = ["unit"]

    def has_delete_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return DisposalPolicy.objects.visible_to(request.user).select_related("unit")
