import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.filters import RecordIdFilter
from core.search import search_q
from institutions.filters import visible_townships
from institutions.models import Institution, RegistrationStatus
from risklists.levels import Level

from .levels import ActionType
from .models import (
    LISTED_GROUNDS,
    ActionStatus,
    DisposalAction,
    Penalty,
    PenaltyGround,
    PenaltyKind,
    ZeroingStatus,
)

STATES = [
    ("overdue", _("Overdue")),
    ("due_this_week", _("Due this week")),
    ("level_lowered", _("Level lowered: decide")),
    ("unassigned", _("No one in charge")),
    ("open", _("Open or in progress")),
]


class ActionFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    township = django_filters.ModelChoiceFilter(
        label=_("Township / street"),
        queryset=visible_townships,
        field_name="institution__township",
    )
    level = django_filters.ChoiceFilter(
        label=_("Risk level"), choices=Level.choices, field_name="case__level"
    )
    action_type = django_filters.ChoiceFilter(
        label=_("Disposal action"), choices=ActionType.choices
    )
    status = django_filters.ChoiceFilter(label=_("Status"), choices=ActionStatus.choices)
    state = django_filters.ChoiceFilter(
        label=_("Needs attention"), choices=STATES, method="by_state"
    )
    key = django_filters.ChoiceFilter(
        label=_("Key cases"),
        choices=[("yes", _("Key cases only"))],
        empty_label=_("All"),
        method="by_key",
    )
    institution = RecordIdFilter(field_name="institution_id")

    class Meta:
        model = DisposalAction
        fields = ["q", "township", "level", "action_type", "status", "state", "key", "institution"]

    def search(self, queryset, name, value):
        return queryset.filter(
            search_q(
                value,
                "institution__name__icontains",
                "document_number__icontains",
                "responsible_name__icontains",
            )
        )

    def by_key(self, queryset, name, value):
        return queryset.filter(case__is_key=True) if value == "yes" else queryset

    def by_state(self, queryset, name, value):
        today = timezone.localdate()
        if value == "overdue":
            return queryset.overdue(today)
        if value == "due_this_week":
            return queryset.due_this_week(today)
        if value == "level_lowered":
            return queryset.level_lowered()
        if value == "unassigned":
            return queryset.unassigned()
        if value == "open":
            return queryset.open()
        return queryset


LEDGER_STATUSES = [
    ("to_do", _("Not crossed off")),
    ("registered", _("Registered: to cross off")),
    (ZeroingStatus.CROSSED_OFF, _("Crossed off")),
]


class LedgerFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    township = django_filters.ModelChoiceFilter(
        label=_("Township / street"), queryset=visible_townships
    )
    ledger_status = django_filters.ChoiceFilter(
        label=_("Status"), choices=LEDGER_STATUSES, method="by_status"
    )

    class Meta:
        model = Institution
        fields = ["q", "township", "ledger_status"]

    def search(self, queryset, name, value):
        return queryset.filter(
            search_q(value, "name__icontains", "operator__icontains", "actual_address__icontains")
        )

    def by_status(self, queryset, name, value):
        crossed = Q(zeroing__status=ZeroingStatus.CROSSED_OFF)
        if value == ZeroingStatus.CROSSED_OFF:
            return queryset.filter(crossed)
        if value == "registered":
            return queryset.exclude(crossed).exclude(
                registration_status=RegistrationStatus.UNREGISTERED
            )
        if value == "to_do":
            return queryset.exclude(crossed)
        return queryset


PROPOSALS = [
    ("proposed", _("Proposed for joint punishment")),
    ("to_propose", _("On the plan's grounds, not yet proposed")),
    ("not_proposed", _("Not proposed")),
]


class PenaltyFilterSet(django_filters.FilterSet):
    """被依法依规惩处的机构和人员: by township, kind, ground and proposal; withdrawn penalties
    only when asked for."""

    q = django_filters.CharFilter(label=_("Search"), method="search")
    township = django_filters.ModelChoiceFilter(
        label=_("Township / street"),
        queryset=visible_townships,
        field_name="institution__township",
    )
    kind = django_filters.ChoiceFilter(label=_("Kind of punishment"), choices=PenaltyKind.choices)
    ground = django_filters.ChoiceFilter(label=_("Punished for"), choices=PenaltyGround.choices)
    proposal = django_filters.ChoiceFilter(
        label=_("Joint punishment"), choices=PROPOSALS, method="by_proposal"
    )
    withdrawn = django_filters.ChoiceFilter(
        label=_("Record status"),
        method="by_withdrawn",
        empty_label=_("Current"),
        choices=[("withdrawn", _("Withdrawn")), ("all", _("All, withdrawn included"))],
    )
    institution = RecordIdFilter(field_name="institution_id")

    class Meta:
        model = Penalty
        fields = ["q", "township", "kind", "ground", "proposal", "withdrawn", "institution"]

    def __init__(self, data=None, *args, **kwargs):
        super().__init__(data, *args, **kwargs)
        # Current penalties by default; withdrawn ones only when asked for.
        if not (data or {}).get("withdrawn"):
            self.queryset = self.queryset.current()

    def search(self, queryset, name, value):
        return queryset.filter(
            search_q(
                value,
                "institution__name__icontains",
                "person_name__icontains",
                "document_number__icontains",
                "authority__icontains",
            )
        )

    def by_proposal(self, queryset, name, value):
        if value == "proposed":
            return queryset.filter(proposed_on__isnull=False)
        if value == "to_propose":
            return queryset.filter(proposed_on__isnull=True, ground__in=LISTED_GROUNDS)
        if value == "not_proposed":
            return queryset.filter(proposed_on__isnull=True)
        return queryset

    def by_withdrawn(self, queryset, name, value):
        if value == "withdrawn":
            return queryset.filter(withdrawn_at__isnull=False)
        return queryset
