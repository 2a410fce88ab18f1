import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from core.search import search_q
from institutions.filters import visible_townships

from ..models import OpinionEvent, OpinionLevel, OpinionSource

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class OpinionEventFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    level = django_filters.ChoiceFilter(label=_("Severity"), choices=OpinionLevel.choices)
    source = django_filters.ChoiceFilter(label=_("Source"), choices=OpinionSource.choices)
    unit = django_filters.ModelChoiceFilter(
        label=_("Township / street"), queryset=visible_townships
    )
    state = django_filters.ChoiceFilter(
        label=_("Event status"),
        method="by_state",
        choices=[("open", _("Being handled")), ("closed", _("Closed"))],
        empty_label=_("All"),
    )
    found_from = django_filters.DateFilter(
        label=_("Found from"), field_name="found_on", lookup_expr="gte", widget=DATE
    )
    found_to = django_filters.DateFilter(
        label=_("Found until"), field_name="found_on", lookup_expr="lte", widget=DATE
    )

    class Meta:
        model = OpinionEvent
        fields = ["q", "level", "source", "unit", "state", "found_from", "found_to"]

    def search(self, queryset, name, value):
        return queryset.filter(
            search_q(
                value,
                "summary__icontains",
                "source_detail__icontains",
                "institution__name__icontains",
            )
        )

    def by_state(self, queryset, name, value):
        if value == "open":
            return queryset.filter(closed_on__isnull=True)
        if value == "closed":
            return queryset.filter(closed_on__isnull=False)
        return queryset
