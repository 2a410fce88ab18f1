"""The self-checks list (自查自改) and the institutions that have not handed one in."""

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.masking import show_phone
from institutions.models import Institution

from ..models import Rectification, SelfCheck

WIDE_ONLY = {"th": {"class": "d-none d-lg-table-cell"}, "td": {"class": "d-none d-lg-table-cell"}}
RECTIFICATION_STYLES = {
    Rectification.NO_PROBLEM: "text-bg-success",
    Rectification.OPEN: "text-bg-info",
    Rectification.OVERDUE: "text-bg-warning",
    Rectification.FIXED: "text-bg-secondary",
}


def rectification_badge(check):
    state = check.rectification()
    return format_html(
        '<span class="badge {}">{}</span>',
        RECTIFICATION_STYLES[state],
        Rectification(state).label,
    )


class SelfCheckTable(tables.Table):
    institution = tables.Column(
        linkify=("screening:self_check_detail", {"pk": tables.A("pk")}),
        attrs={"td": {"class": "fw-semibold"}},
        order_by=("institution__name",),
    )
    township = tables.Column(
        verbose_name=_("Township / street"),
        accessor="institution__township",
        order_by=("institution__township__path",),
    )
    round = tables.Column()
    checked_on = tables.DateColumn("Y-m-d", attrs={"td": {"class": "text-nowrap"}})
    signed_by = tables.Column(attrs=WIDE_ONLY)
    problems = tables.Column(
        verbose_name=_("Items with a problem"), empty_values=(), orderable=False, attrs=WIDE_ONLY
    )
    fix_by = tables.DateColumn("Y-m-d", attrs=WIDE_ONLY)
    fixed_on = tables.DateColumn("Y-m-d", attrs=WIDE_ONLY)
    rectification = tables.Column(verbose_name=_("Rectification"), empty_values=(), orderable=False)

    class Meta:
        model = SelfCheck
        fields = [
            "institution",
            "township",
            "round",
            "checked_on",
            "signed_by",
            "problems",
            "fix_by",
            "fixed_on",
            "rectification",
        ]
        empty_text = _("No self-checks match.")
        attrs = {"class": "table table-sm table-hover align-middle"}

    def render_problems(self, record):
        return "、".join(str(label) for label in record.problem_items) or "—"

    def render_rectification(self, record):
        return rectification_badge(record)


class MissingSelfCheckTable(tables.Table):
    name = tables.Column(linkify=True, attrs={"td": {"class": "fw-semibold"}})
    township = tables.Column(order_by=("township__path",))
    registration_status = tables.Column(verbose_name=_("Registration"))
    legal_representative = tables.Column(attrs=WIDE_ONLY)
    contact_phone = tables.Column(attrs=WIDE_ONLY)

    class Meta:
        model = Institution
        fields = [
            "name",
            "township",
            "registration_status",
            "legal_representative",
            "contact_phone",
        ]
        empty_text = _("Every institution has handed in its self-check for this round.")
        attrs = {"class": "table table-sm table-hover align-middle"}

    def render_contact_phone(self, value, record):
        user = getattr(getattr(self, "request", None), "user", None)
        return show_phone(value, user)
