"""Determinations of illegal fundraising (衡山县 §二.二 配合做好非法集资的调查认定、定性定级、
风险评估、后续处置等工作): the list with its filters and export, one determination with its
history, and the county section's form (recorded from the institution's page, corrected
by an edit). Townships read them; another unit's answers 404."""

from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.views import View

from core.exports import CHUNK_SIZE, xlsx_response
from core.history import history_entries
from core.views import ObjectDetailView, ObjectListView

from ..exports import DETERMINATION_TABLE, determination_rows
from ..filters.determinations import DeterminationFilterSet
from ..forms.determinations import DeterminationForm
from ..models import FundraisingDetermination
from ..services.determinations import can_record, save_determination
from ..tables.determinations import DeterminationTable, result_badge
from .records import RecordCreateView, RecordUpdateView

HISTORY_EXCLUDED = ("scope_path", "updated_at")
EXPORT_NAME = "非法集资调查认定"


class DeterminationListView(ObjectListView):
    model = FundraisingDetermination
    select_related = ("institution", "institution__township", "recorded_by")
    table_class = DeterminationTable
    filterset_class = DeterminationFilterSet
    title = _("Determinations of illegal fundraising")
    template_name = "screening/determinations/determination_list.html"


class DeterminationExportView(View):
    """The list as filtered, all pages, as .xlsx with every particular (the nature and
    grade, the risk assessment and the follow-up besides the list's columns)."""

    def get(self, request):
        queryset = (
            FundraisingDetermination.objects.visible_to(request.user)
            .for_list()
            .order_by("institution__township__path", "institution__name", "-determined_on", "pk")
        )
        filterset = DeterminationFilterSet(request.GET or None, queryset=queryset, request=request)
        rows = filterset.qs if filterset.is_bound and filterset.is_valid() else filterset.queryset
        return xlsx_response(
            DETERMINATION_TABLE,
            determination_rows(rows.iterator(chunk_size=CHUNK_SIZE)),
            name=EXPORT_NAME,
            user=request.user,
        )


class DeterminationDetailView(ObjectDetailView):
    model = FundraisingDetermination
    select_related = ("institution", "institution__township", "recorded_by")
    template_name = "screening/determinations/determination_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        determination = self.object
        context.update(
            title=str(determination),
            institution=determination.institution,
            result_badge=result_badge(determination),
            can_edit=can_record(self.request.user),
            history=history_entries(
                FundraisingDetermination,
                determination.history.all(),
                excluded=HISTORY_EXCLUDED,
            ),
        )
        return context


class DeterminationEdit:
    """The county section only (a township's POST or GET is refused with 403)."""

    model = FundraisingDetermination
    form_class = DeterminationForm
    permission = "can_review"
    anchor = "determinations"

    def save(self, form):
        return save_determination(user=self.request.user, determination=form.instance)


class DeterminationCreateView(DeterminationEdit, RecordCreateView):
    pass


class DeterminationUpdateView(DeterminationEdit, RecordUpdateView):
    pass


urlpatterns = [
    path("determinations/", DeterminationListView.as_view(), name="determination_list"),
    path(
        "determinations/export/",
        DeterminationExportView.as_view(),
        name="determination_list_export",
    ),
    path("determinations/new/", DeterminationCreateView.as_view(), name="determination_create"),
    path(
        "determinations/<int:pk>/",
        DeterminationDetailView.as_view(),
        name="determination_detail",
    ),
    path(
        "determinations/<int:pk>/edit/",
        DeterminationUpdateView.as_view(),
        name="determination_update",
    ),
]
