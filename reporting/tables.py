import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from .models import PublicityActivity, ReportRun

WIDE_ONLY = {"th": {"class": "d-none d-lg-table-cell"}, "td": {"class": "d-none d-lg-table-cell"}}
NUMBER = {
    "th": {"class": "text-end d-none d-md-table-cell"},
    "td": {"class": "text-end d-none d-md-table-cell"},
}


class PublicityActivityTable(tables.Table):
    held_on = tables.DateColumn(format="Y-m-d", linkify=True)
    township = tables.Column(order_by=("township__path",))
    place_type = tables.Column()
    place_name = tables.Column(attrs=WIDE_ONLY)
    posters = tables.Column(attrs=NUMBER)
    banners = tables.Column(attrs=NUMBER)
    leaflets = tables.Column(attrs=NUMBER)
    videos = tables.Column(attrs=NUMBER)
    participants = tables.Column(
        verbose_name=_("People reached"),
        attrs={"th": {"class": "text-end"}, "td": {"class": "text-end"}},
    )

    class Meta:
        model = PublicityActivity
        fields = [
            "held_on",
            "township",
            "place_type",
            "place_name",
            "posters",
            "banners",
            "leaflets",
            "videos",
            "participants",
        ]
        empty_text = _("No publicity activities recorded.")
        attrs = {"class": "table table-sm table-hover align-middle"}


class ReportRunTable(tables.Table):
    period = tables.TemplateColumn(
        "{{ record.period.label }}",
        verbose_name=_("Reporting week"),
        order_by=("year", "week"),
        linkify=lambda record: record.get_absolute_url(),
    )
    report_set = tables.Column()
    unit = tables.Column(attrs=WIDE_ONLY)
    status = tables.TemplateColumn(template_name="reporting/_run_status.html", order_by=("status",))
    requested_by = tables.Column(default=_("Schedule"), attrs=WIDE_ONLY)
    finished_at = tables.DateTimeColumn(format="Y-m-d H:i", attrs=WIDE_ONLY)
    download = tables.TemplateColumn(
        template_name="reporting/_run_download.html", verbose_name="", orderable=False
    )

    class Meta:
        model = ReportRun
        fields = ["period", "report_set", "unit", "status", "requested_by", "finished_at"]
        empty_text = _("No pack has been built yet.")
        attrs = {"class": "table table-sm table-hover align-middle", "data-table": "runs"}
