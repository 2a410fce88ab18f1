from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from django.views import View

from core.files import file_response
from core.history import history_entries
from core.views import ObjectCreateView, ObjectDetailView, ObjectListView, ObjectUpdateView

from .. import services
from ..filters import PublicityActivityFilterSet
from ..forms import PublicityActivityForm
from ..models import PublicityActivity
from ..tables import PublicityActivityTable
from .common import HISTORY_EXCLUDED


class PublicityListView(ObjectListView):
    model = PublicityActivity
    select_related = ("township", "institution")
    table_class = PublicityActivityTable
    filterset_class = PublicityActivityFilterSet
    title = _("Publicity activities")
    export_name = "宣传发动活动"
    template_name = "reporting/publicity_list.html"


class PublicityDetailView(ObjectDetailView):
    model = PublicityActivity
    select_related = ("township", "institution", "created_by")
    template_name = "reporting/publicity_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["history"] = history_entries(
            PublicityActivity, self.object.history.all(), excluded=HISTORY_EXCLUDED
        )
        return context


class PublicityPhotoView(View):
    """A publicity activity's photo, served only to those who see the activity."""

    def get(self, request, pk):
        activity = get_object_or_404(PublicityActivity.objects.visible_to(request.user), pk=pk)
        if not activity.photo:
            raise Http404(_("This activity has no photo."))
        return file_response(activity.photo.name)


class PublicityCreateView(ObjectCreateView):
    model = PublicityActivity
    form_class = PublicityActivityForm

    def save(self, form):
        return services.save_publicity(user=self.request.user, activity=form.instance)


class PublicityUpdateView(ObjectUpdateView):
    model = PublicityActivity
    form_class = PublicityActivityForm

    def save(self, form):
        return services.save_publicity(user=self.request.user, activity=form.instance)
