"""The public opinion events list (负面舆情)."""

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from ..models import OpinionEvent, OpinionLevel

WIDE_ONLY = {"th": {"class": "d-none d-lg-table-cell"}, "td": {"class": "d-none d-lg-table-cell"}}


def level_badge(event):
    style = "text-bg-danger" if event.level == OpinionLevel.MAJOR else "text-bg-secondary"
    return format_html('<span class="badge {}">{}</span>', style, event.get_level_display())


def state_badge(event):
    if event.is_open:
        return format_html('<span class="badge text-bg-warning">{}</span>', _("Being handled"))
    return format_html('<span class="badge text-bg-light">{}</span>', _("Closed"))


class OpinionEventTable(tables.Table):
    found_on = tables.DateColumn(
        "Y-m-d",
        linkify=("screening:opinion_event_detail", {"pk": tables.A("pk")}),
        attrs={"td": {"class": "text-nowrap fw-semibold"}},
    )
    level = tables.Column()
    source = tables.Column()
    unit = tables.Column(verbose_name=_("Township / street"), order_by=("unit__path",))
    institution = tables.Column(attrs=WIDE_ONLY, default=_("The sector"))
    summary = tables.Column(orderable=False)
    closed_on = tables.DateColumn("Y-m-d", verbose_name=_("Event status"), empty_values=())

    class Meta:
        model = OpinionEvent
        fields = ["found_on", "level", "source", "unit", "institution", "summary", "closed_on"]
        empty_text = _("No public opinion events match.")
        attrs = {"class": "table table-sm table-hover align-middle"}

    def render_level(self, record):
        return level_badge(record)

    def render_closed_on(self, record):
        if record.closed_on:
            return format_html("{} {}", state_badge(record), record.closed_on.isoformat())
        return state_badge(record)
