"""The complaints list (投诉举报), with each complaint's verification."""

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from ..models import Complaint, Verification

WIDE_ONLY = {"th": {"class": "d-none d-lg-table-cell"}, "td": {"class": "d-none d-lg-table-cell"}}
VERIFICATION_STYLES = {
    Verification.PENDING: "text-bg-secondary",
    Verification.SUBSTANTIATED: "text-bg-warning",
    Verification.GROUNDLESS: "text-bg-light",
}


def verification_badge(complaint):
    return format_html(
        '<span class="badge {}">{}</span>',
        VERIFICATION_STYLES.get(complaint.verification, "text-bg-light"),
        complaint.get_verification_display(),
    )


class ComplaintTable(tables.Table):
    received_on = tables.DateColumn("Y-m-d", attrs={"td": {"class": "text-nowrap"}})
    subject_name = tables.Column(
        linkify=("screening:complaint_detail", {"pk": tables.A("pk")}),
        attrs={"td": {"class": "fw-semibold"}},
    )
    verification = tables.Column()
    institution = tables.Column(attrs=WIDE_ONLY)
    channel = tables.Column(attrs=WIDE_ONLY)
    match_status = tables.Column(attrs=WIDE_ONLY)

    class Meta:
        model = Complaint
        fields = [
            "received_on",
            "subject_name",
            "verification",
            "institution",
            "channel",
            "match_status",
        ]
        empty_text = _("No complaints match.")
        attrs = {"class": "table table-sm table-hover align-middle"}

    def render_verification(self, value, record):
        return verification_badge(record)
