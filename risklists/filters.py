import django_filters
from django.utils.translation import gettext_lazy as _

from core.search import search_q
from institutions.filters import visible_townships
from institutions.models import Institution, RegistrationStatus

from .levels import LIST_LEVELS, Level
from .models import Assessment, ReviewState

LIST_LEVEL_CHOICES = [(level.value, level.label) for level in LIST_LEVELS]


class RiskListFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    township = django_filters.ModelChoiceFilter(
        label=_("Township / street"), queryset=visible_townships
    )
    level = django_filters.ChoiceFilter(
        label=_("Level"), field_name="rating__list_level", choices=LIST_LEVEL_CHOICES
    )
    state = django_filters.ChoiceFilter(
        label=_("Review state"),
        field_name="rating__proposal__state",
        choices=[(s.value, s.label) for s in ReviewState if s != ReviewState.SUPERSEDED],
    )
    kind = django_filters.ChoiceFilter(
        label=_("Registered or venue"),
        method="filter_kind",
        choices=[("registered", _("Registered institutions")), ("venue", _("Unregistered venues"))],
    )

    class Meta:
        model = Institution
        fields = ["q", "township", "level", "state", "kind"]

    def search(self, queryset, name, value):
        return queryset.filter(search_q(value, "name__icontains", "credit_code__iexact"))

    def filter_kind(self, queryset, name, value):
        if value == "venue":
            return queryset.filter(registration_status=RegistrationStatus.UNREGISTERED)
        if value == "registered":
            return queryset.exclude(registration_status=RegistrationStatus.UNREGISTERED)
        return queryset


class ReviewFilterSet(django_filters.FilterSet):
    township = django_filters.ModelChoiceFilter(
        label=_("Township / street"), field_name="institution__township", queryset=visible_townships
    )
    level = django_filters.ChoiceFilter(label=_("Proposed level"), choices=Level.choices)
    state = django_filters.ChoiceFilter(
        label=_("Review state"),
        choices=[
            (ReviewState.PROPOSED.value, ReviewState.PROPOSED.label),
            (ReviewState.SUBMITTED.value, ReviewState.SUBMITTED.label),
            (ReviewState.RETURNED.value, ReviewState.RETURNED.label),
        ],
    )

    class Meta:
        model = Assessment
        fields = ["township", "level", "state"]
