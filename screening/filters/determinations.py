"""Filters of the determinations of illegal fundraising (衡山县 §二.二 调查认定)."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from core.filters import RecordIdFilter
from core.search import search_q
from institutions.filters import visible_townships

from ..models import DeterminationResult, FundraisingDetermination

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class DeterminationFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    result = django_filters.ChoiceFilter(label=_("Result"), choices=DeterminationResult.choices)
    township = django_filters.ModelChoiceFilter(
        label=_("Township / street"),
        field_name="institution__township",
        queryset=visible_townships,
    )
    determined_from = django_filters.DateFilter(
        label=_("Determined from"),
        field_name="determined_on",
        lookup_expr="gte",
        widget=DATE,
    )
    determined_to = django_filters.DateFilter(
        label=_("Determined until"),
        field_name="determined_on",
        lookup_expr="lte",
        widget=DATE,
    )
    institution = RecordIdFilter(field_name="institution_id")

    class Meta:
        model = FundraisingDetermination
        fields = [
            "q",
            "result",
            "township",
            "determined_from",
            "determined_to",
            "institution",
        ]

    def search(self, queryset, name, value):
        return queryset.filter(
            search_q(
                value,
                "institution__name__icontains",
                "authority__icontains",
                "document_number__icontains",
            )
        )
