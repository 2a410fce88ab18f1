import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from ..models import ImportBatch, ImportStatus

WIDE_ONLY = {"th": {"class": "d-none d-lg-table-cell"}, "td": {"class": "d-none d-lg-table-cell"}}
NUMBER = {"th": {"class": "text-end"}, "td": {"class": "text-end"}}
WIDE_NUMBER = {
    "th": {"class": "text-end d-none d-lg-table-cell"},
    "td": {"class": "text-end d-none d-lg-table-cell"},
}
STATUS_STYLES = {
    ImportStatus.PREVIEWED: "text-bg-info",
    ImportStatus.INVALID: "text-bg-danger",
    ImportStatus.APPLIED: "text-bg-success",
}


def status_badge(batch):
    return format_html(
        '<span class="badge {}">{}</span>',
        STATUS_STYLES.get(batch.status, "text-bg-light"),
        batch.get_status_display(),
    )


class ImportBatchTable(tables.Table):
    created_at = tables.DateTimeColumn("Y-m-d H:i", attrs={"td": {"class": "text-nowrap"}})
    kind = tables.Column()
    file_name = tables.Column(
        linkify=("screening:import_preview", {"pk": tables.A("pk")}),
        attrs={"td": {"class": "fw-semibold text-break"}},
    )
    status = tables.Column()
    rows_total = tables.Column(attrs=NUMBER)
    rows_applied = tables.Column(attrs=WIDE_NUMBER)
    uploaded_by = tables.Column(attrs=WIDE_ONLY)
    applied_at = tables.DateTimeColumn("Y-m-d H:i", attrs=WIDE_ONLY)

    class Meta:
        model = ImportBatch
        fields = [
            "created_at",
            "kind",
            "file_name",
            "status",
            "rows_total",
            "rows_applied",
            "uploaded_by",
            "applied_at",
        ]
        empty_text = _("Nothing has been imported yet.")
        attrs = {"class": "table table-sm table-hover align-middle"}

    def render_status(self, value, record):
        return status_badge(record)
