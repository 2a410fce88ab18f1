"""The leaders' dashboard (区县方案·三(一) 主要负责同志直接抓; 三(四) 加强调度).

Leaders and the county section read it for their unit's subtree; township staff read their
own township's version (the same page, scoped by ``visible_to``). Read only: it changes
nothing, so every role that can log in may open it.
"""

from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views import View

from core import clock

from ..dashboard import dashboard


def chart_labels() -> dict:
    """The words static/js/dashboard.js puts on the charts, in the user's language."""
    return {
        "institutions": str(_("Institutions")),
        "actions": str(_("Actions")),
        "not_approved": str(_("Not yet approved")),
        "screened": str(_("Screened")),
        "not_screened": str(_("Not yet screened")),
        "official": str(_("Official count (civil-affairs statistics)")),
        "overdue": str(_("Overdue")),
        "on_time": str(_("Open, within the deadline")),
        "done": str(_("Completed")),
        "crossed_off": str(_("Crossed off")),
        "remaining": str(_("Still to cross off")),
        "week": str(_("Reporting week")),
        "empty": str(_("Nothing to show yet.")),
    }


class DashboardView(View):
    def get(self, request):
        board = dashboard(request.user, now=clock.now())
        context = {
            "title": _("Campaign dashboard"),
            "board": board,
            "chart_data": {**board.chart_data(), "labels": chart_labels()},
            "packs": board.packs,
        }
        return render(request, "reporting/dashboard.html", context)
