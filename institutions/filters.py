import django_filters
from django.utils.translation import gettext_lazy as _

from accounts.models import OrgUnit
from core.search import search_q

from .models import Institution, LegalForm, Ownership, RegistrationStatus
from .selectors import LARGE_INSTITUTION_BEDS, large_q


def size_choices():
    n = LARGE_INSTITUTION_BEDS
    return [
        ("large", _("Large (%(n)s beds or more)") % {"n": n}),
        ("smaller", _("Smaller (under %(n)s beds)") % {"n": n}),
        ("unknown", _("Beds not recorded")),
    ]


def visible_townships(request):
    if request is None:
        return OrgUnit.objects.none()
    return OrgUnit.objects.visible_to(request.user).townships()


class InstitutionFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    township = django_filters.ModelChoiceFilter(
        label=_("Township / street"), queryset=visible_townships
    )
    registration_status = django_filters.ChoiceFilter(
        label=_("Registration status"), choices=RegistrationStatus.choices
    )
    ownership = django_filters.ChoiceFilter(label=_("Ownership"), choices=Ownership.choices)
    legal_form = django_filters.ChoiceFilter(label=_("Legal form"), choices=LegalForm.choices)
    # 衡山县 §一.二 第三 重点排查…规模相对较大的.
    size = django_filters.ChoiceFilter(label=_("Size"), choices=size_choices, method="by_size")
    beds_min = django_filters.NumberFilter(
        label=_("Beds at least"),
        field_name="beds",
        lookup_expr="gte",
        min_value=0,
        max_value=1_000_000,
    )
    # 衡山县 §一.二 第三 重点排查…涉足多产业领域的养老服务机构.
    multi_industry = django_filters.ChoiceFilter(
        label=_("Involved in several industries"),
        choices=[
            ("yes", _("Involved in several industries")),
            ("no", _("Not involved in several industries")),
        ],
        empty_label=_("All"),
        method="by_multi_industry",
    )
    archived = django_filters.ChoiceFilter(
        label=_("Record status"),
        method="filter_archived",
        empty_label=_("On the registry"),
        choices=[("archived", _("Archived")), ("all", _("All, archived included"))],
    )

    class Meta:
        model = Institution
        fields = [
            "q",
            "township",
            "registration_status",
            "ownership",
            "legal_form",
            "size",
            "beds_min",
            "multi_industry",
            "archived",
        ]

    def __init__(self, data=None, *args, **kwargs):
        super().__init__(data, *args, **kwargs)
        # The active registry by default; archived records only when asked for.
        if not (data or {}).get("archived"):
            self.queryset = self.queryset.filter(archived_at__isnull=True)

    def search(self, queryset, name, value):
        return queryset.filter(
            search_q(
                value,
                "name__icontains",
                "credit_code__iexact",
                "legal_representative__icontains",
                "actual_address__icontains",
                "registered_address__icontains",
            )
        )

    def filter_archived(self, queryset, name, value):
        if value == "archived":
            return queryset.filter(archived_at__isnull=False)
        return queryset

    def by_multi_industry(self, queryset, name, value):
        if value in ("yes", "no"):
            return queryset.filter(multi_industry=value == "yes")
        return queryset

    def by_size(self, queryset, name, value: str):
        if value == "large":
            return queryset.filter(large_q())
        if value == "smaller":
            return queryset.filter(beds__isnull=False).exclude(large_q())
        if value == "unknown":
            return queryset.filter(beds__isnull=True)
        return queryset
