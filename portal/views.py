"""The project's own pages: the home page (what needs my attention, per role) and the
county section's audit log (who did what, when, to which record)."""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponsePermanentRedirect
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from accounts.models import Role
from core.exports import export_url, xlsx_response
from core.views import PermissionRequiredMixin

from . import selectors
from .audit import audit_entries, audit_page
from .exports import AUDIT_TABLE
from .forms import AuditFilterForm


@login_not_required
def favicon(request):
    """Browsers ask for /favicon.ico before reading a page's <link rel="icon">, logged in or
    not: the site's icon, from its static files."""
    return HttpResponsePermanentRedirect(static("img/favicon.svg"))


def home(request):
    # Leaders read; what they come for is the campaign at a glance: their home is the
    # dashboard (which links the packs and every list).
    if request.user.role == Role.LEADER:
        return redirect("reporting:dashboard")
    data = selectors.home(request.user)
    context = {
        "title": _("Home"),
        "townships": data.townships,
        "totals": data.totals,
        "incomplete": data.incomplete,
        "recent": data.recent,
        "returned": data.returned,
        "weekly_returned": data.weekly_returned,
        "weekly_reminders": data.weekly_reminders,
        "county_returned": data.county_returned,
    }
    return render(request, "portal/home.html", context)


class AuditLogView(PermissionRequiredMixin, TemplateView):
    permission = "can_review"
    template_name = "portal/audit_log.html"
    export = False

    def get(self, request, *args, **kwargs):
        if not self.export:
            return super().get(request, *args, **kwargs)
        form = AuditFilterForm(request.GET or None, user=request.user)
        entries = audit_entries(request.user, form.to_filter())
        return xlsx_response(AUDIT_TABLE, entries, name="操作日志", user=request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = AuditFilterForm(self.request.GET or None, user=self.request.user)
        page, entries = audit_page(
            self.request.user, form.to_filter(), self.request.GET.get("page", 1)
        )
        context.update(
            title=_("Audit log"),
            form=form,
            page_obj=page,
            entries=entries,
            export_url=export_url(self.request),
        )
        return context
