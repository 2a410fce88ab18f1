"""Complaints and reports (投诉举报) imported from outside: the list, one complaint, and its
verification (甄别), after which it counts for the rating (O2) or, found groundless, not."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.views import View

from core.history import history_entries
from core.views import ObjectDetailView, ObjectListView, PermissionRequiredMixin

from ..filters.outside import ComplaintFilterSet
from ..forms.outside import ComplaintVerifyForm
from ..models import Complaint
from ..services import outside as services
from ..tables.outside import ComplaintTable, verification_badge
from .leads import put_errors

HISTORY_EXCLUDED = ("scope_path", "updated_at", "normalised_name")


class ComplaintListView(ObjectListView):
    model = Complaint
    select_related = ("institution", "person", "verified_by")
    table_class = ComplaintTable
    filterset_class = ComplaintFilterSet
    title = _("Complaints and reports")
    export_name = "投诉举报"


def detail_context(request, complaint, form=None):
    if form is None and services.can_verify(request.user):
        form = ComplaintVerifyForm()
    return {
        "object": complaint,
        "complaint": complaint,
        "title": complaint.subject_name,
        "verification_badge": verification_badge(complaint),
        "form": form,
        "history": history_entries(Complaint, complaint.history.all(), excluded=HISTORY_EXCLUDED),
    }


class ComplaintDetailView(ObjectDetailView):
    model = Complaint
    select_related = ("institution", "person", "verified_by", "unit")
    template_name = "screening/outside/complaint_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(detail_context(self.request, self.object))
        return context


class ComplaintVerifyView(PermissionRequiredMixin, View):
    """POST only. Another unit's complaint is not found (404) before anything is read."""

    permission = "can_edit_registry"

    def post(self, request, pk):
        complaint = get_object_or_404(
            Complaint.objects.visible_to(request.user).select_related("institution"), pk=pk
        )
        form = ComplaintVerifyForm(request.POST)
        if form.is_valid():
            try:
                services.verify_complaint(
                    user=request.user, complaint=complaint, **form.cleaned_data
                )
            except ValidationError as exc:
                complaint.refresh_from_db()
                put_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("Recorded: %(outcome)s.") % {"outcome": complaint.get_verification_display()},
                )
                return redirect("screening:complaint_detail", pk=complaint.pk)
        messages.error(request, _("The verification was not recorded: see the errors below."))
        return render(
            request,
            "screening/outside/complaint_detail.html",
            detail_context(request, complaint, form),
        )


urlpatterns = [
    path("complaints/", ComplaintListView.as_view(), name="complaint_list"),
    path(
        "complaints/export/", ComplaintListView.as_view(export=True), name="complaint_list_export"
    ),
    path("complaints/<int:pk>/", ComplaintDetailView.as_view(), name="complaint_detail"),
    path("complaints/<int:pk>/verify/", ComplaintVerifyView.as_view(), name="complaint_verify"),
]
