import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from institutions.filters import visible_townships

from .choices import PlaceType, ReportSet, RunStatus
from .models import PublicityActivity, ReportRun


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


class ReportRunFilterSet(django_filters.FilterSet):
    report_set = django_filters.ChoiceFilter(label=_("Report set"), choices=ReportSet.choices)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=RunStatus.choices)

    class Meta:
        model = ReportRun
        fields = ["report_set", "status"]
