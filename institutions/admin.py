from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Institution


@admin.register(Institution)
class InstitutionAdmin(SimpleHistoryAdmin):
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
