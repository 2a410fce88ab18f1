from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from core.admin import SubtreeAdminMixin
from core.scoping import propagate_scope

from .models import Institution


@admin.register(Institution)
class InstitutionAdmin(SubtreeAdminMixin, SimpleHistoryAdmin):
    list_display = ["name", "township", "registration_status", "credit_code", "ownership", "beds"]
    list_filter = ["registration_status", "ownership", "legal_form", "township"]
    search_fields = ["name", "credit_code", "legal_representative"]
    list_select_related = ["township"]
    raw_id_fields = ["township", "village", "created_by"]
    readonly_fields = ["scope_path", "created_at", "updated_at"]

    def has_delete_permission(self, request, obj=None):
        # Records are archived, never deleted, so their history and ratings stay traceable.
        return False

    def get_queryset(self, request):
        return Institution.objects.visible_to(request.user).select_related("township")

    def save_model(self, request, obj, form, change):
        # The township and village to choose are those of the administrator's subtree
        # (SubtreeAdminMixin); a moved institution takes its records along, in the admin's
        # transaction, as institutions.services.save_institution does.
        old_path = Institution.objects.filter(pk=obj.pk).values_list("scope_path", flat=True)
        old_path = old_path.first() if obj.pk else None
        obj._history_user = request.user
        super().save_model(request, obj, form, change)
        if old_path and old_path != obj.scope_path:
            propagate_scope(obj)
