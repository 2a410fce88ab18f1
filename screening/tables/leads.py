import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.masking import show_phone

from ..models import Lead, LeadStatus
from ..services.leads import is_overdue

WIDE_ONLY = {"th": {"class": "d-none d-lg-table-cell"}, "td": {"class": "d-none d-lg-table-cell"}}
STATUS_STYLES = {
    LeadStatus.RECEIVED: "text-bg-secondary",
    LeadStatus.VERIFIED: "text-bg-info",
    LeadStatus.HANDLED: "text-bg-primary",
    LeadStatus.FED_BACK: "text-bg-success",
}


def status_badge(lead):
    return format_html(
        '<span class="badge {}">{}</span>',
        STATUS_STYLES.get(lead.status, "text-bg-light"),
        lead.get_status_display(),
    )


class LeadTable(tables.Table):
    received_on = tables.DateColumn("Y-m-d", attrs={"td": {"class": "text-nowrap"}})
    subject = tables.Column(
        linkify=("screening:lead_detail", {"pk": tables.A("pk")}),
        attrs={"td": {"class": "fw-semibold"}},
    )
    status = tables.Column()
    channel = tables.Column(attrs=WIDE_ONLY)
    unit = tables.Column(verbose_name=_("Township / street"), order_by=("unit__path",))
    institution = tables.Column(attrs=WIDE_ONLY)
    reporter_phone = tables.Column(
        verbose_name=_("Reporter"), attrs=WIDE_ONLY, orderable=False, empty_values=()
    )
    handler = tables.Column(attrs=WIDE_ONLY)

    class Meta:
        model = Lead
        fields = [
            "received_on",
            "subject",
            "status",
            "channel",
            "unit",
            "institution",
            "reporter_phone",
            "handler",
        ]
        empty_text = _("No leads match.")
        attrs = {"class": "table table-sm table-hover align-middle"}
        # 及时核实、查办、反馈: a lead left too long is highlighted.
        row_attrs = {"class": lambda record: "table-warning" if is_overdue(record) else ""}

    def render_subject(self, value, record):
        badge = '{} <span class="badge {}">{}</span>'
        if record.is_major:
            value = format_html(badge, value, "text-bg-danger", _("Major"))
        if record.is_key:
            value = format_html(badge, value, "text-bg-dark", _("Key"))
        return value

    def render_status(self, value, record):
        badge = status_badge(record)
        if is_overdue(record):
            return format_html(
                '{} <span class="badge text-bg-warning">{}</span>', badge, _("Overdue")
            )
        return badge

    def render_reporter_phone(self, value, record):
        user = getattr(getattr(self, "request", None), "user", None)
        if not (record.reporter_name or value):
            return "—"
        return format_html(
            "{} {}", record.reporter_name or "", show_phone(value, user) if value else ""
        )
