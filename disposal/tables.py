import django_tables2 as tables
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.masking import show_id_number
from risklists.levels import level_badge

from .models import ActionStatus, DisposalAction, Penalty

WIDE_ONLY = {"th": {"class": "d-none d-lg-table-cell"}, "td": {"class": "d-none d-lg-table-cell"}}
STATUS_STYLES = {
    ActionStatus.OPEN: "text-bg-secondary",
    ActionStatus.IN_PROGRESS: "text-bg-primary",
    ActionStatus.DONE: "text-bg-success",
    ActionStatus.NOT_APPLICABLE: "text-bg-light",
}


def status_badge(action, today=None):
    """The status, with the flags a person must act on (overdue, level lowered)."""
    today = today or timezone.localdate()
    html = format_html(
        '<span class="badge {}">{}</span>',
        STATUS_STYLES.get(action.status, "text-bg-light"),
        action.get_status_display(),
    )
    if action.is_overdue(today):
        html += format_html(' <span class="badge text-bg-danger">{}</span>', _("Overdue"))
    if action.is_level_lowered:
        html += format_html(
            ' <span class="badge text-bg-warning">{}</span>', _("Level lowered: decide")
        )
    return html


class ActionTable(tables.Table):
    institution = tables.Column(
        linkify=lambda record: record.institution.get_absolute_url(),
        attrs={"td": {"class": "fw-semibold"}},
        order_by=("institution__name",),
    )
    action_type = tables.Column(
        linkify=("disposal:action_detail", {"pk": tables.A("pk")}),
    )
    level = tables.Column(
        verbose_name=_("Risk level"), accessor="case__level", order_by=("case__level",)
    )
    responsible = tables.Column(
        verbose_name=_("Responsible person"), empty_values=(), orderable=False
    )
    deadline = tables.DateColumn("Y-m-d", attrs={"td": {"class": "text-nowrap"}})
    status = tables.Column()
    township = tables.Column(
        verbose_name=_("Township / street"),
        accessor="institution__township",
        order_by=("institution__township__path",),
        attrs=WIDE_ONLY,
    )

    class Meta:
        model = DisposalAction
        fields = [
            "institution",
            "action_type",
            "level",
            "responsible",
            "deadline",
            "status",
            "township",
        ]
        empty_text = _("No actions match.")
        attrs = {"class": "table table-sm table-hover align-middle"}

    def render_institution(self, record):
        if record.case.is_key:
            return format_html(
                '{} <span class="badge text-bg-dark">{}</span>', record.institution, _("Key")
            )
        return str(record.institution)

    def render_level(self, record):
        return level_badge(record.case.level)

    def render_responsible(self, record):
        name = record.responsible_display
        if not name:
            return format_html('<span class="text-danger">{}</span>', _("No one in charge"))
        return name

    def render_status(self, record):
        return status_badge(record)


def proposal_badge(penalty):
    """Whether the county put the penalty forward for joint punishment (联合惩戒), and when;
    a withdrawn penalty says so instead."""
    if penalty.is_withdrawn:
        return format_html('<span class="badge text-bg-light">{}</span>', _("Withdrawn"))
    if penalty.is_proposed:
        return format_html(
            '<span class="badge text-bg-danger">{}</span> <span class="small">{}</span>',
            _("Proposed to the list"),
            penalty.proposed_on.strftime("%Y-%m-%d"),
        )
    if penalty.on_listed_ground:
        return format_html('<span class="badge text-bg-warning">{}</span>', _("To propose"))
    return format_html(
        '<span class="text-secondary small">{}</span>', _("Not on the plan's grounds")
    )


class PenaltyTable(tables.Table):
    """被依法依规惩处的机构和人员; ID numbers masked for roles that do not need them."""

    decided_on = tables.DateColumn("Y-m-d", attrs={"td": {"class": "text-nowrap"}})
    subject = tables.Column(
        verbose_name=_("Punished"),
        empty_values=(),
        order_by=("institution__name", "person_name"),
        attrs={"td": {"class": "fw-semibold"}},
    )
    kind = tables.Column()
    ground = tables.Column(attrs=WIDE_ONLY)
    authority = tables.Column(attrs=WIDE_ONLY)
    document_number = tables.Column(
        linkify=("disposal:penalty_detail", {"pk": tables.A("pk")}),
        attrs={"td": {"class": "text-nowrap"}},
    )
    proposal = tables.Column(
        verbose_name=_("Joint punishment"),
        empty_values=(),
        order_by=("proposed_on",),
    )
    township = tables.Column(
        verbose_name=_("Township / street"),
        accessor="institution__township",
        order_by=("institution__township__path",),
        attrs=WIDE_ONLY,
    )

    class Meta:
        model = Penalty
        fields = [
            "decided_on",
            "subject",
            "kind",
            "ground",
            "authority",
            "document_number",
            "proposal",
            "township",
        ]
        empty_text = _("No penalty recorded.")
        attrs = {"class": "table table-sm table-hover align-middle"}

    @property
    def user(self):
        return getattr(getattr(self, "request", None), "user", None)

    def render_subject(self, record):
        institution = format_html(
            '<a href="{}">{}</a>', record.institution.get_absolute_url(), record.institution
        )
        listed = ""
        if record.on_blacklist:
            listed = format_html(
                ' <span class="badge text-bg-dark">{}</span>', _("On an imported blacklist")
            )
        if not record.is_person:
            return format_html("{}{}", institution, listed)
        details = [show_id_number(record.person_id_number, self.user), record.person_post]
        return format_html(
            '{}{}<div class="small fw-normal text-secondary">{} · {}</div>',
            record.person_name,
            listed,
            " ".join(d for d in details if d) or "—",
            institution,
        )

    def render_proposal(self, record):
        return proposal_badge(record)
