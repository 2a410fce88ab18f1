"""Filters of the complaints list."""

import django_filters
from django.utils.translation import gettext_lazy as _

from core.filters import RecordIdFilter
from core.search import search_q
from institutions.filters import visible_townships

from ..models import Complaint, Verification


class ComplaintFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    verification = django_filters.ChoiceFilter(
        label=_("Verification"), choices=Verification.choices
    )
    township = django_filters.ModelChoiceFilter(
        label=_("Township / street"),
        field_name="institution__township",
        queryset=visible_townships,
    )
    institution = RecordIdFilter()

    class Meta:
        model = Complaint
        fields = ["q", "verification", "township", "institution"]

    def search(self, queryset, name, value):
        return queryset.filter(
            search_q(value, "subject_name__icontains", "content__icontains", "reference__iexact")
        )
