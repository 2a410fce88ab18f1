"""Filters of the API. Where a page lists the same rows, its FilterSet is used as it is
(``institutions.filters.InstitutionFilterSet``…): one set of filters, one meaning."""

import django_filters
from django.utils.translation import gettext_lazy as _

from institutions.filters import visible_townships
from risklists.levels import Level
from risklists.models import Assessment, ReviewState
from screening.models import PrepaymentKind, PrepaymentRecord, PrepaymentRefund


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


class PrepaymentFilterSet(django_filters.FilterSet):
    institution = django_filters.NumberFilter(label=_("Institution"), field_name="institution_id")
    township = django_filters.ModelChoiceFilter(
        label=_("Township / street"), field_name="institution__township", queryset=visible_townships
    )
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=PrepaymentKind.choices)
    paid_from = django_filters.DateFilter(
        label=_("Paid from"), field_name="paid_on", lookup_expr="gte"
    )
    paid_to = django_filters.DateFilter(
        label=_("Paid until"), field_name="paid_on", lookup_expr="lte"
    )

    class Meta:
        model = PrepaymentRecord
        fields = ["institution", "township", "kind", "paid_from", "paid_to"]


class RefundFilterSet(django_filters.FilterSet):
    institution = django_filters.NumberFilter(label=_("Institution"), field_name="institution_id")
    township = django_filters.ModelChoiceFilter(
        label=_("Township / street"), field_name="institution__township", queryset=visible_townships
    )
    prepayment = django_filters.NumberFilter(
        label=_("Prepayment record"), field_name="prepayment_id"
    )
    refunded_from = django_filters.DateFilter(
        label=_("Refunded from"), field_name="refunded_on", lookup_expr="gte"
    )
    refunded_to = django_filters.DateFilter(
        label=_("Refunded until"), field_name="refunded_on", lookup_expr="lte"
    )

    class Meta:
        model = PrepaymentRefund
        fields = ["institution", "township", "prepayment", "refunded_from", "refunded_to"]
