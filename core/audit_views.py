"""The audit log page of the county section: who did what, when, to which record."""

from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from .audit import audit_page
from .audit_forms import AuditFilterForm
from .views import PermissionRequiredMixin


class AuditLogView(PermissionRequiredMixin, TemplateView):
    permission = "can_review"
    template_name = "core/audit_log.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = AuditFilterForm(self.request.GET or None, user=self.request.user)
        page, entries = audit_page(
            self.request.user, form.to_filter(), self.request.GET.get("page", 1)
        )
        context.update(title=_("Audit log"), form=form, page_obj=page, entries=entries)
        return context
