"""The project's own pages: the home page (what needs my attention, per role) and the
county section's audit log (who did what, when, to which record)."""

from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from core.views import PermissionRequiredMixin
from institutions.models import Institution
from institutions.selectors import incomplete_institutions, incomplete_q, township_summary

from .audit import audit_page
from .forms import AuditFilterForm


def home(request):
    user = request.user
    visible = Institution.objects.visible_to(user).active()
    rows = list(township_summary(user))
    totals = {
        "institutions": sum(r.n_institutions for r in rows),
        "venues": sum(r.n_venues for r in rows),
        "beds": sum(r.n_beds or 0 for r in rows),
        "residents": sum(r.n_residents or 0 for r in rows),
        "incomplete": visible.filter(incomplete_q()).count(),
    }
    context = {
        "title": _("Home"),
        "townships": rows,
        "totals": totals,
        "incomplete": list(incomplete_institutions(user)),
        "recent": list(visible.select_related("township").order_by("-updated_at")[:8]),
    }
    return render(request, "portal/home.html", context)


class AuditLogView(PermissionRequiredMixin, TemplateView):
    permission = "can_review"
    template_name = "portal/audit_log.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = AuditFilterForm(self.request.GET or None, user=self.request.user)
        page, entries = audit_page(
            self.request.user, form.to_filter(), self.request.GET.get("page", 1)
        )
        context.update(title=_("Audit log"), form=form, page_obj=page, entries=entries)
        return context
