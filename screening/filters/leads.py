import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from core.search import search_q
from institutions.filters import visible_townships

from ..models import Lead, LeadChannel, LeadStatus
from ..services.leads import overdue_q

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class LeadFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=LeadStatus.choices)
    channel = django_filters.ChoiceFilter(label=_("Channel"), choices=LeadChannel.choices)
    unit = django_filters.ModelChoiceFilter(
        label=_("Township / street"), queryset=visible_townships
    )
    received_from = django_filters.DateFilter(
        label=_("Received from"), field_name="received_on", lookup_expr="gte", widget=DATE
    )
    received_to = django_filters.DateFilter(
        label=_("Received until"), field_name="received_on", lookup_expr="lte", widget=DATE
    )
    overdue = django_filters.ChoiceFilter(
        label=_("Overdue"),
        method="filter_overdue",
        choices=[("yes", _("Overdue only"))],
        empty_label=_("All"),
    )

    key = django_filters.ChoiceFilter(
        label=_("Key leads"),
        method="filter_key",
        choices=[("yes", _("Key leads only"))],
        empty_label=_("All"),
    )

    major = django_filters.ChoiceFilter(
        label=_("Major case leads"),
        method="filter_major",
        choices=[("yes", _("Major case leads only"))],
        empty_label=_("All"),
    )

    class Meta:
        model = Lead
        fields = [
            "q",
            "status",
            "channel",
            "unit",
            "received_from",
            "received_to",
            "overdue",
            "key",
            "major",
        ]

    def search(self, queryset, name, value):
        return queryset.filter(
            search_q(
                value,
                "subject__icontains",
                "reference__icontains",
                "content__icontains",
                "institution__name__icontains",
            )
        )

    def filter_overdue(self, queryset, name, value):
        return queryset.filter(overdue_q()) if value == "yes" else queryset

    def filter_key(self, queryset, name, value):
        return queryset.filter(is_key=True) if value == "yes" else queryset

    def filter_major(self, queryset, name, value):
        return queryset.filter(is_major=True) if value == "yes" else queryset
