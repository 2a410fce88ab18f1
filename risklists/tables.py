import django_tables2 as tables
from django.template.loader import render_to_string
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from institutions.models import Institution
from institutions.tables import SHORT_STATUS

from .exports import clauses_text
from .levels import level_badge
from .models import ReviewState

WIDE_ONLY = {"th": {"class": "d-none d-lg-table-cell"}, "td": {"class": "d-none d-lg-table-cell"}}
NOT_ON_PHONE = {
    "th": {"class": "d-none d-md-table-cell"},
    "td": {"class": "d-none d-md-table-cell"},
}
STATE_STYLES = {
    ReviewState.PROPOSED: "text-bg-light border",
    ReviewState.SUBMITTED: "text-bg-info",
    ReviewState.APPROVED: "text-bg-success",
    ReviewState.RETURNED: "text-bg-warning",
    ReviewState.SUPERSEDED: "text-bg-secondary",
}


def state_badge(state: str):
    return format_html(
        '<span class="badge {}" data-state="{}">{}</span>',
        STATE_STYLES.get(state, "text-bg-light"),
        state,
        ReviewState(state).label,
    )


class RiskListTable(tables.Table):
    """区县方案 附件3 "红橙黄"风险管控名单: one row per institution or venue, red first, with the
    plan's clauses that put it there."""

    level = tables.Column(
        verbose_name=_("Level"), accessor="rating__list_level", orderable=False, empty_values=()
    )
    name = tables.Column(
        verbose_name=_("Institution or venue"),
        orderable=False,
        attrs={"td": {"class": "fw-semibold"}},
    )
    township = tables.Column(
        verbose_name=_("Township / street"), orderable=False, attrs=NOT_ON_PHONE
    )
    registration_status = tables.Column(
        verbose_name=_("Registration"), orderable=False, attrs=NOT_ON_PHONE
    )
    clauses = tables.Column(
        verbose_name=_("Risks found (plan clauses)"), accessor="pk", orderable=False
    )
    proposal = tables.Column(
        verbose_name=_("Latest proposal"), accessor="pk", orderable=False, attrs=WIDE_ONLY
    )
    spot_checks = tables.Column(
        verbose_name=_("Spot checks this month"),
        orderable=False,
        attrs={"td": {"class": "text-end", "data-spot-checks": ""}, "th": {"class": "text-end"}},
    )

    class Meta:
        model = Institution
        fields = [
            "level",
            "name",
            "township",
            "registration_status",
            "clauses",
            "proposal",
            "spot_checks",
        ]
        empty_text = _("No institution is on the red, orange or yellow list.")
        attrs = {"class": "table table-sm table-hover align-middle", "data-table": "risk-list"}
        row_attrs = {"data-level": lambda record: record.rating.list_level}

    def render_level(self, record):
        rating = record.rating
        badge = level_badge(rating.list_level)
        if rating.current is None:
            return format_html(
                '{}<div class="small text-secondary">{}</div>', badge, _("not yet approved")
            )
        return badge

    def render_name(self, record):
        # On a phone the township and registration columns are hidden: shown under the name.
        return format_html(
            '<a href="{}#rating-panel">{}</a>'
            '<div class="small fw-normal text-secondary d-md-none">{} {}</div>',
            record.get_absolute_url(),
            record.name,
            record.township,
            self.render_registration_status(record),
        )

    def value_name(self, record):
        return record.name

    def render_registration_status(self, record):
        label, style = SHORT_STATUS[record.registration_status]
        return format_html('<span class="badge {}">{}</span>', style, label)

    def render_clauses(self, record):
        rating = record.rating
        listed = rating.current or rating.proposal
        return render_to_string("risklists/_clauses.html", {"hits": listed.hits if listed else []})

    def value_clauses(self, record):
        rating = record.rating
        listed = rating.current or rating.proposal
        return clauses_text(listed.hits if listed else ())

    def render_proposal(self, record):
        rating = record.rating
        proposal = rating.proposal
        if proposal is None:
            return "—"
        if rating.current is None:
            return state_badge(proposal.state)  # the level shown is the proposal's
        if proposal.pk == rating.current.pk:
            return format_html('<span class="small text-secondary">{}</span>', _("approved"))
        return format_html("{} {}", level_badge(proposal.level), state_badge(proposal.state))
