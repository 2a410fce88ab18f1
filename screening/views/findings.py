"""Resolving a finding that stays found (爆雷, 涉嫌犯罪, …), from the institution's page."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.views import View

from core.views import PermissionRequiredMixin

from ..forms.findings import ResolveFindingForm
from ..services.findings import resolve_finding
from .visits import visible_institution


class FindingResolveView(PermissionRequiredMixin, View):
    """POST only, the county section: resolve one standing finding with a reason. Another
    unit's institution is not found (404)."""

    permission = "can_review"

    def post(self, request, pk):
        institution = visible_institution(request, pk)
        form = ResolveFindingForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Give the reason for resolving the finding."))
        else:
            try:
                resolution = resolve_finding(
                    user=request.user, institution=institution, **form.cleaned_data
                )
            except ValidationError as exc:
                for message in exc.messages:
                    messages.error(request, message)
            else:
                messages.success(
                    request,
                    _("Resolved: %(finding)s. The institution is rated again.")
                    % {"finding": resolution.get_fact_display()},
                )
        return redirect(
            reverse("institutions:detail", args=[institution.pk]) + "#standing-findings"
        )


urlpatterns = [
    path("findings/<int:pk>/resolve/", FindingResolveView.as_view(), name="finding_resolve"),
]
