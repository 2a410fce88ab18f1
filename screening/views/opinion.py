"""Public opinion events (负面舆情): the list, one event, and its create and edit pages.
Nothing is deleted: an event is closed with its outcome."""

from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from core.history import history_entries
from core.views import ObjectCreateView, ObjectDetailView, ObjectListView, ObjectUpdateView

from ..filters.opinion import OpinionEventFilterSet
from ..forms.opinion import OpinionEventForm
from ..models import OpinionEvent, OpinionLevel
from ..services.opinion import save_opinion_event
from ..tables.opinion import OpinionEventTable, level_badge, state_badge
from .visits import visible_institution

HISTORY_EXCLUDED = ("scope_path", "updated_at")


class OpinionEventListView(ObjectListView):
    model = OpinionEvent
    select_related = ("unit", "institution")
    table_class = OpinionEventTable
    filterset_class = OpinionEventFilterSet
    title = _("Public opinion events")
    export_name = "负面舆情台账"
    template_name = "screening/opinion/opinion_event_list.html"


class OpinionEventDetailView(ObjectDetailView):
    model = OpinionEvent
    select_related = ("unit", "institution", "created_by")
    template_name = "screening/opinion/opinion_event_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        event = self.object
        context.update(
            event=event,
            title=_("Public opinion event"),
            level_badge=level_badge(event),
            state_badge=state_badge(event),
            # 重大 about an institution: the rating's R5 until the county resolves it.
            counts_for_rating=event.level == OpinionLevel.MAJOR and event.institution_id,
            history=history_entries(OpinionEvent, event.history.all(), excluded=HISTORY_EXCLUDED),
        )
        return context


class OpinionEventEdit:
    model = OpinionEvent
    form_class = OpinionEventForm
    template_name = "screening/opinion/opinion_event_form.html"
    select_related = ("unit", "institution")

    def save(self, form):
        return save_opinion_event(user=self.request.user, event=form.instance)

    def get_success_url(self):
        return reverse("screening:opinion_event_detail", args=[self.object.pk])


class OpinionEventCreateView(OpinionEventEdit, ObjectCreateView):
    """``?institution=<pk>`` (from the institution's page) links the event to it."""

    @cached_property
    def institution(self):
        pk = self.request.GET.get("institution")
        if not pk:
            return None
        return visible_institution(self.request, pk)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["institution"] = self.institution
        return kwargs


class OpinionEventUpdateView(OpinionEventEdit, ObjectUpdateView):
    pass


urlpatterns = [
    path("opinion-events/", OpinionEventListView.as_view(), name="opinion_event_list"),
    path(
        "opinion-events/export/",
        OpinionEventListView.as_view(export=True),
        name="opinion_event_list_export",
    ),
    path("opinion-events/new/", OpinionEventCreateView.as_view(), name="opinion_event_create"),
    path("opinion-events/<int:pk>/", OpinionEventDetailView.as_view(), name="opinion_event_detail"),
    path(
        "opinion-events/<int:pk>/edit/",
        OpinionEventUpdateView.as_view(),
        name="opinion_event_update",
    ),
]
