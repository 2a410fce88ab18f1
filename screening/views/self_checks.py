"""Self-checks (自查自改): the list per round with where each township stands, the
institutions that have not handed one in, one self-check, and its create and edit pages
(from the institution's page). Township staff never delete; the county section may delete
a wrong entry (``records.RecordDeleteView``)."""

from django.urls import path
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from core.history import history_entries
from core.views import ObjectDetailView, ObjectListView
from institutions.models import Institution

from ..filters.self_checks import MissingSelfCheckFilterSet, SelfCheckFilterSet
from ..forms.self_checks import SelfCheckForm
from ..models import ScreeningRound, SelfCheck
from ..selectors.self_checks import current_round, missing_self_checks, township_summary
from ..services.self_checks import save_self_check
from ..tables.self_checks import MissingSelfCheckTable, SelfCheckTable, rectification_badge
from .records import RecordCreateView, RecordDeleteView, RecordUpdateView

HISTORY_EXCLUDED = ("scope_path", "updated_at")
ANCHOR = "self-checks"


class ChosenRoundMixin:
    """The round the filters chose (the current one unless another is asked for)."""

    @cached_property
    def round_kind(self) -> str:
        value = self.request.GET.get("round")
        return value if value in ScreeningRound.values else current_round(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["round_label"] = ScreeningRound(self.round_kind).label
        context["round_kind"] = self.round_kind
        return context


class SelfCheckListView(ChosenRoundMixin, ObjectListView):
    model = SelfCheck
    select_related = ("institution", "institution__township")
    table_class = SelfCheckTable
    filterset_class = SelfCheckFilterSet
    title = _("Self-checks")
    export_name = "自查自改情况"
    template_name = "screening/self_checks/self_check_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if not self.export:
            context["summary"] = township_summary(self.request.user, self.round_kind)
        return context


class MissingSelfCheckListView(ChosenRoundMixin, ObjectListView):
    """衡山县 §三.一: the institutions of the user's townships with no self-check for the
    round, to chase."""

    model = Institution
    select_related = ("township",)
    table_class = MissingSelfCheckTable
    filterset_class = MissingSelfCheckFilterSet
    title = _("Self-checks not handed in")
    export_name = "未提交自查自改的机构"
    template_name = "screening/self_checks/missing_list.html"

    def get_queryset(self):
        return (
            missing_self_checks(self.request.user, self.round_kind)
            .select_related("township")
            .order_by("township__code", "name")
        )


class SelfCheckDetailView(ObjectDetailView):
    model = SelfCheck
    select_related = ("institution", "institution__township", "created_by")
    template_name = "screening/self_checks/self_check_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        check = self.object
        context.update(
            check=check,
            title=f"{check.institution.name} · {check.get_round_display()}",
            badge=rectification_badge(check),
            history=history_entries(SelfCheck, check.history.all(), excluded=HISTORY_EXCLUDED),
        )
        return context


class SelfCheckEdit:
    model = SelfCheck
    form_class = SelfCheckForm
    anchor = ANCHOR
    delete_url_name = "self_check_delete"

    def save(self, form):
        return save_self_check(user=self.request.user, check=form.instance)


class SelfCheckCreateView(SelfCheckEdit, RecordCreateView):
    pass


class SelfCheckUpdateView(SelfCheckEdit, RecordUpdateView):
    pass


urlpatterns = [
    path("self-checks/", SelfCheckListView.as_view(), name="self_check_list"),
    path(
        "self-checks/export/",
        SelfCheckListView.as_view(export=True),
        name="self_check_list_export",
    ),
    path("self-checks/missing/", MissingSelfCheckListView.as_view(), name="self_check_missing"),
    path(
        "self-checks/missing/export/",
        MissingSelfCheckListView.as_view(export=True),
        name="self_check_missing_export",
    ),
    path("self-checks/new/", SelfCheckCreateView.as_view(), name="self_check_create"),
    path("self-checks/<int:pk>/", SelfCheckDetailView.as_view(), name="self_check_detail"),
    path("self-checks/<int:pk>/edit/", SelfCheckUpdateView.as_view(), name="self_check_update"),
    path(
        "self-checks/<int:pk>/delete/",
        RecordDeleteView.as_view(model=SelfCheck, anchor=ANCHOR),
        name="self_check_delete",
    ),
]
