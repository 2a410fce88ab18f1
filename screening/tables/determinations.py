"""The list of determinations of illegal fundraising (衡山县 §二.二 调查认定)."""

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from ..models import DeterminationResult, FundraisingDetermination

WIDE_ONLY = {"th": {"class": "d-none d-lg-table-cell"}, "td": {"class": "d-none d-lg-table-cell"}}
RESULT_STYLES = {
    DeterminationResult.ILLEGAL_FUNDRAISING: "text-bg-danger",
    DeterminationResult.NOT_ILLEGAL_FUNDRAISING: "text-bg-light",
    DeterminationResult.UNDER_INVESTIGATION: "text-bg-secondary",
}


def result_badge(determination):
    return format_html(
        '<span class="badge {}">{}</span>',
        RESULT_STYLES.get(determination.result, "text-bg-light"),
        determination.get_result_display(),
    )


class DeterminationTable(tables.Table):
    determined_on = tables.DateColumn("Y-m-d", attrs={"td": {"class": "text-nowrap"}})
    institution = tables.Column(
        linkify=lambda record: record.institution.get_absolute_url(),
        attrs={"td": {"class": "fw-semibold"}},
        order_by=("institution__name",),
    )
    result = tables.Column()
    authority = tables.Column(attrs=WIDE_ONLY)
    document_number = tables.Column(
        linkify=("screening:determination_detail", {"pk": tables.A("pk")}),
        attrs={"td": {"class": "text-nowrap"}},
    )
    township = tables.Column(
        verbose_name=_("Township / street"),
        accessor="institution__township",
        order_by=("institution__township__path",),
        attrs=WIDE_ONLY,
    )

    class Meta:
        model = FundraisingDetermination
        fields = [
            "determined_on",
            "institution",
            "result",
            "authority",
            "document_number",
            "township",
        ]
        empty_text = _("No determination recorded.")
        attrs = {"class": "table table-sm table-hover align-middle"}

    def render_result(self, value, record):
        return result_badge(record)

    def render_document_number(self, value, record):
        return value or "—"
