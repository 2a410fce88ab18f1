"""The home page: what needs my attention, per role."""

from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from core.attention import needs_attention
from institutions.models import Institution
from institutions.selectors import incomplete_institutions, incomplete_q, township_summary


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
        "attention": needs_attention(user),
    }
    return render(request, "core/home.html", context)
