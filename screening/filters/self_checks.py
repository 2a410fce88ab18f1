import django_filters
from django.utils.translation import gettext_lazy as _

from core.search import search_q
from institutions.filters import visible_townships

from ..models import Rectification, ScreeningRound, SelfCheck
from ..selectors.self_checks import current_round, rectification_q


class RoundDefaultMixin:
    """The round filter starts at the round the user's unit is in (``current_round``)."""

    def __init__(self, data=None, *args, request=None, **kwargs):
        if request is not None:
            data = (data if data is not None else request.GET).copy()
            if not data.get("round"):
                data["round"] = current_round(request.user)
        super().__init__(data, *args, request=request, **kwargs)


class SelfCheckFilterSet(RoundDefaultMixin, django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    round = django_filters.ChoiceFilter(
        label=_("Round"), choices=ScreeningRound.choices, empty_label=None
    )
    township = django_filters.ModelChoiceFilter(
        label=_("Township / street"), field_name="institution__township", queryset=visible_townships
    )
    rectification = django_filters.ChoiceFilter(
        label=_("Rectification"), choices=Rectification.choices, method="by_rectification"
    )

    class Meta:
        model = SelfCheck
        fields = ["q", "round", "township", "rectification"]

    def search(self, queryset, name, value):
        return queryset.filter(
            search_q(
                value,
                "institution__name__icontains",
                "signed_by__icontains",
                "findings__icontains",
                "measures__icontains",
            )
        )

    def by_rectification(self, queryset, name, value):
        return queryset.filter(rectification_q(value))


class MissingSelfCheckFilterSet(RoundDefaultMixin, django_filters.FilterSet):
    """Institutions without a self-check for the round (the round is applied by the view)."""

    round = django_filters.ChoiceFilter(
        label=_("Round"), choices=ScreeningRound.choices, empty_label=None, method="keep"
    )
    township = django_filters.ModelChoiceFilter(
        label=_("Township / street"), queryset=visible_townships
    )
    q = django_filters.CharFilter(label=_("Search"), method="search")

    def keep(self, queryset, name, value):
        return queryset

    def search(self, queryset, name, value):
        return queryset.filter(search_q(value, "name__icontains", "actual_address__icontains"))
