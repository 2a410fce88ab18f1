"""Filters of the API. Where a page lists the same rows, its FilterSet is used as it is
(``institutions.filters.InstitutionFilterSet``…): one set of filters, one meaning."""

import django_filters
from django.utils.translation import gettext_lazy as _

from risklists.levels import Level
from risklists.models import Assessment, ReviewState


class RatingFilterSet(django_filters.FilterSet):
    institution = django_filters.NumberFilter(label=_("Institution"), field_name="institution_id")
    level = django_filters.ChoiceFilter(label=_("Computed level"), choices=Level.choices)
    state = django_filters.ChoiceFilter(label=_("Review state"), choices=ReviewState.choices)
    computed_from = django_filters.DateFilter(
        label=_("Computed from"), field_name="computed_at", lookup_expr="date__gte"
    )

    class Meta:
        model = Assessment
        fields = ["institution", "level", "state", "computed_from"]
