"""What the API reads: units, the registry, visits, ratings, disposal, weekly reports and
report packs. Each is a declaration on ``ScopedViewSet``; filters are the pages' own."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.decorators import action

from accounts.models import OrgUnit
from disposal.filters import ActionFilterSet
from disposal.models import DisposalAction
from institutions.filters import InstitutionFilterSet
from institutions.models import Institution
from reporting.filters import ReportRunFilterSet
from reporting.models import ReportRun, WeeklyReport
from reporting.views.runs import run_file_response
from risklists.models import Assessment
from screening.filters.leads import LeadFilterSet
from screening.filters.visits import VisitFilterSet
from screening.models import Lead, ScreeningVisit

from .. import serializers
from ..filters import RatingFilterSet
from ..pagination import ByIdCursor, Pages
from .base import ScopedViewSet


class UnitViewSet(ScopedViewSet):
    """The unit tree below the caller's unit (its own unit included)."""

    queryset = OrgUnit.objects.none()
    serializer_class = serializers.UnitSerializer
    pagination_class = Pages
    filterset_fields = ["level", "parent"]

    def get_queryset(self):
        return super().get_queryset().order_by("path")


class InstitutionViewSet(ScopedViewSet):
    """Registered institutions and unregistered venues (``registration_status=unregistered``);
    archived records only with ``archived``, as on the registry page."""

    queryset = Institution.objects.none()
    serializer_class = serializers.InstitutionSerializer
    filterset_class = InstitutionFilterSet
    pagination_class = ByIdCursor
    select_related = ("township", "village")


class VisitViewSet(ScopedViewSet):
    queryset = ScreeningVisit.objects.none()
    serializer_class = serializers.VisitSerializer
    filterset_class = VisitFilterSet
    select_related = ("institution", "staff")
    prefetch_related = ("interviews",)


class RatingViewSet(ScopedViewSet):
    """Ratings (风险评估): the computed level, the county's, the review state, every rule that
    fired with the plan's clause and its evidence, and the threshold version used."""

    queryset = Assessment.objects.none()
    serializer_class = serializers.RatingSerializer
    filterset_class = RatingFilterSet
    select_related = ("institution", "threshold_version")


class DisposalActionViewSet(ScopedViewSet):
    queryset = DisposalAction.objects.none()
    serializer_class = serializers.DisposalActionSerializer
    filterset_class = ActionFilterSet
    select_related = ("institution", "case", "responsible_user")


class LeadViewSet(ScopedViewSet):
    queryset = Lead.objects.none()
    serializer_class = serializers.LeadSerializer
    filterset_class = LeadFilterSet


class WeeklyReportViewSet(ScopedViewSet):
    queryset = WeeklyReport.objects.none()
    serializer_class = serializers.WeeklyReportSerializer
    pagination_class = Pages
    filterset_fields = ["year", "week", "status", "township"]
    select_related = ("township",)

    def get_queryset(self):
        return super().get_queryset().order_by("-year", "-week", "township__path", "pk")


class ReportRunViewSet(ScopedViewSet):
    """Report packs (附件 tables and their zip) of the caller's unit and the units below."""

    queryset = ReportRun.objects.none()
    serializer_class = serializers.ReportRunSerializer
    filterset_class = ReportRunFilterSet
    pagination_class = Pages
    select_related = ("unit",)

    def get_queryset(self):
        return super().get_queryset().order_by("-year", "-week", "report_set", "-pk")

    @extend_schema(
        responses={(200, "application/zip"): OpenApiResponse(OpenApiTypes.BINARY)},
        filters=False,
    )
    @action(detail=True, url_path="download", url_name="download")
    def download(self, request, pk=None):
        """The zip of the whole pack (a finished run only)."""
        return run_file_response(self.get_queryset(), self.get_object().pk)

    @extend_schema(
        responses={
            (
                200,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            ): OpenApiResponse(OpenApiTypes.BINARY)
        },
        filters=False,
    )
    @action(detail=True, url_path=r"files/(?P<number>[0-9]+)", url_name="file")
    def file(self, request, pk=None, number=None):
        """One attachment (附件 ``number``) of a finished pack."""
        return run_file_response(self.get_queryset(), self.get_object().pk, int(number))
