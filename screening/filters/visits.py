import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from core.filters import RecordIdFilter
from institutions.filters import visible_townships

from ..models import ScreeningRound, ScreeningVisit, VisitMethod, VisitStatus

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class VisitFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Institution"), field_name="institution__name", lookup_expr="icontains"
    )
    township = django_filters.ModelChoiceFilter(
        label=_("Township / street"), field_name="institution__township", queryset=visible_townships
    )
    round = django_filters.ChoiceFilter(label=_("Round"), choices=ScreeningRound.choices)
    method = django_filters.ChoiceFilter(label=_("Method"), choices=VisitMethod.choices)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=VisitStatus.choices)
    visited_from = django_filters.DateFilter(
        label=_("Visited from"), field_name="visited_on", lookup_expr="gte", widget=DATE
    )
    visited_to = django_filters.DateFilter(
        label=_("Visited until"), field_name="visited_on", lookup_expr="lte", widget=DATE
    )
    # From the institution page's "all visits" link; the rows are already scoped.
    institution = RecordIdFilter()

    class Meta:
        model = ScreeningVisit
        fields = [
            "q",
            "township",
            "round",
            "method",
            "status",
            "visited_from",
            "visited_to",
            "institution",
        ]
