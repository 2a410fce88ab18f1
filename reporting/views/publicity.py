from django.utils.translation import gettext_lazy as _

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
