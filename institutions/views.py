from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext_lazy as _
from django.views import View

from core.history import history_entries
from core.views import (
    ObjectCreateView,
    ObjectDetailView,
    ObjectListView,
    ObjectUpdateView,
    OutboxCreateMixin,
    PermissionRequiredMixin,
)

from . import services
from .filters import InstitutionFilterSet
from .forms import ArchiveForm, InstitutionForm
from .models import Institution
from .tables import InstitutionTable


class InstitutionListView(ObjectListView):
    model = Institution
    select_related = ("township",)
    table_class = InstitutionTable
    filterset_class = InstitutionFilterSet
    title = _("Institutions and venues")
    export_name = "养老机构和场所名单"
    template_name = "institutions/institution_list.html"

    def get_queryset(self):
        # The table's columns, not the record's forty fields: building the page's model
        # instances was a sixth of the registry page's time (docs/performance.md, "load").
        columns = [name for name in InstitutionTable.base_columns if name != "township"]
        return super().get_queryset().only(*columns, "township__name", "township__path")


class InstitutionDetailView(ObjectDetailView):
    model = Institution
    select_related = ("township", "village", "created_by")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["history"] = history_entries(
            Institution, self.object.history.all(), excluded=("scope_path", "updated_at")
        )
        context["archive_form"] = ArchiveForm()
        return context


class InstitutionCreateView(OutboxCreateMixin, ObjectCreateView):
    model = Institution
    form_class = InstitutionForm
    # A candidate from a shared list ("四看" 三看) opens the form pre-filled.
    prefill = ("name", "credit_code", "actual_address", "township", "registration_status")

    def get_initial(self):
        initial = super().get_initial()
        initial.update({k: self.request.GET[k] for k in self.prefill if self.request.GET.get(k)})
        return initial

    def record(self, form):
        return services.record_institution(
            user=self.request.user, institution=form.instance, client_id=self.client_id()
        )


class InstitutionUpdateView(ObjectUpdateView):
    model = Institution
    form_class = InstitutionForm

    def save(self, form):
        return services.save_institution(user=self.request.user, institution=form.instance)


class InstitutionArchiveView(PermissionRequiredMixin, View):
    """POST only: archive (or restore) instead of deleting; the reason goes into history."""

    permission = "can_edit_registry"
    restore = False

    def post(self, request, pk):
        institution = get_object_or_404(Institution.objects.visible_to(request.user), pk=pk)
        if self.restore:
            if not request.user.can_review:
                raise PermissionDenied(_("Only the county section restores archived records."))
            services.restore_institution(user=request.user, institution=institution)
            messages.success(request, _("Restored."))
            return redirect(institution)
        form = ArchiveForm(request.POST)
        if form.is_valid():
            services.archive_institution(
                user=request.user, institution=institution, reason=form.cleaned_data["reason"]
            )
            messages.success(request, _("Archived. The record and its history are kept."))
        else:
            messages.error(request, _("Give a reason for archiving."))
        return redirect(institution)
