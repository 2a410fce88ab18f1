import django_tables2 as tables
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from ..models import ScreeningVisit, VisitStatus

WIDE_ONLY = {"th": {"class": "d-none d-lg-table-cell"}, "td": {"class": "d-none d-lg-table-cell"}}
STATUS_STYLES = {VisitStatus.DRAFT: "text-bg-warning", VisitStatus.SUBMITTED: "text-bg-success"}
# The red-list findings of a visit (区县方案: 纳入红色名单的情形), shown as badges.
RED_FLAGS = (
    ("suspected_crime", _("Suspected crime")),
    ("promised_returns", _("Bed speculation")),
    ("collapsed", _("Collapsed")),
    ("public_opinion", _("Public opinion")),
)


def status_badge(visit):
    return format_html(
        '<span class="badge {}">{}</span>',
        STATUS_STYLES.get(visit.status, "text-bg-light"),
        visit.get_status_display(),
    )


def red_flag_badges(visit):
    return format_html_join(
        " ",
        '<span class="badge text-bg-danger">{}</span>',
        ((label,) for name, label in RED_FLAGS if getattr(visit, name)),
    )


class VisitTable(tables.Table):
    visited_on = tables.DateColumn(
        "Y-m-d",
        linkify=("screening:visit_detail", {"pk": tables.A("pk")}),
        attrs={"td": {"class": "text-nowrap"}},
    )
    institution = tables.Column(
        linkify=("screening:visit_detail", {"pk": tables.A("pk")}),
        order_by=("institution__name",),
        attrs={"td": {"class": "fw-semibold"}},
    )
    township = tables.Column(
        verbose_name=_("Township / street"),
        accessor="institution__township",
        order_by=("institution__township__path",),
        attrs=WIDE_ONLY,
    )
    round = tables.Column(attrs=WIDE_ONLY)
    method = tables.Column(attrs=WIDE_ONLY)
    status = tables.Column()
    flags = tables.Column(
        verbose_name=_("Findings"), empty_values=(), orderable=False, attrs=WIDE_ONLY
    )
    staff = tables.Column(attrs=WIDE_ONLY)

    class Meta:
        model = ScreeningVisit
        fields = [
            "visited_on",
            "institution",
            "township",
            "round",
            "method",
            "status",
            "flags",
            "staff",
        ]
        empty_text = _("No visits match.")
        attrs = {"class": "table table-sm table-hover align-middle"}

    def render_status(self, value, record):
        return status_badge(record)

    def render_flags(self, record):
        return red_flag_badges(record) or "—"

    def render_staff(self, value, record):
        return record.staff.display_name
