import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from institutions.filters import visible_townships

from .models import PlaceType, PublicityActivity


class PublicityActivityFilterSet(django_filters.FilterSet):
    township = django_filters.ModelChoiceFilter(
        label=_("Township / street"), queryset=visible_townships
    )
    place_type = django_filters.ChoiceFilter(label=_("Place type"), choices=PlaceType.choices)
    held_from = django_filters.DateFilter(
        label=_("Held from"),
        field_name="held_on",
        lookup_expr="gte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    held_to = django_filters.DateFilter(
        label=_("Held until"),
        field_name="held_on",
        lookup_expr="lte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    class Meta:
        model = PublicityActivity
        fields = ["township", "place_type", "held_from", "held_to"]
