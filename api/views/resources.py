"""What the API reads: units, the registry, visits and their files, prepayments and the
refund ledger, ratings, disposal and the 清零 ledger, weekly reports and report packs. Each is
a declaration on ``ScopedViewSet``; filters are the pages' own."""

from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts.models import OrgUnit
from core.files import file_response
from disposal.filters import ActionFilterSet, LedgerFilterSet
from disposal.models import DisposalAction
from disposal.selectors.records import refund_totals
from disposal.selectors.zeroing import ledger_list, ledger_rows
from institutions.filters import InstitutionFilterSet
from institutions.models import Institution
from reporting.filters import ReportRunFilterSet
from reporting.models import ReportRun, WeeklyReport
from reporting.views.runs import run_file_response
from risklists.models import Assessment
from screening.filters.leads import LeadFilterSet
from screening.filters.visits import VisitFilterSet
from screening.models import (
    Lead,
    PrepaymentRecord,
    PrepaymentRefund,
    ScreeningVisit,
    VisitAttachment,
)

from .. import serializers
from ..filters import PrepaymentFilterSet, RatingFilterSet, RefundFilterSet
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

    def visit_attachments(self):
        """The files of the visit the address names, found through ``visible_to`` (another
        unit's visit is 404 before any file is looked at)."""
        visit = self.get_object()
        return VisitAttachment.objects.visible_to(self.request.user).filter(visit=visit)

    @extend_schema(
        responses={
            (200, "image/*"): OpenApiResponse(
                OpenApiTypes.BINARY, description="A photo (JPEG, PNG or WebP), inline."
            ),
            (200, "application/*"): OpenApiResponse(
                OpenApiTypes.BINARY, description="A PDF or Office document, as an attachment."
            ),
        },
        filters=False,
    )
    @action(
        detail=True,
        url_path=r"attachments/(?P<attachment>[0-9]+)",
        url_name="attachment",
    )
    def attachment(self, request, pk=None, attachment=None):
        """One file of a visit, as the visit page's link answers it (``core.files``): photos
        inline, other files as attachments, ``nosniff``, never from ``/media/``."""
        found = get_object_or_404(self.visit_attachments(), pk=int(attachment))
        return file_response(found.file.name)


class PrepaymentViewSet(ScopedViewSet):
    """Prepayment records (预付费): one payment by one elder, with what the refund ledger has
    paid back on it; the payer's ID number and phone masked as on the institution's page."""

    queryset = PrepaymentRecord.objects.none()
    serializer_class = serializers.PrepaymentSerializer
    filterset_class = PrepaymentFilterSet
    select_related = ("institution",)


class RefundViewSet(ScopedViewSet):
    """The refund ledger (督促清退资金): every refund paid back to an elder against a prepayment
    record, and every reversal of a wrong entry (negative, naming what it cancels)."""

    queryset = PrepaymentRefund.objects.none()
    serializer_class = serializers.RefundSerializer
    filterset_class = RefundFilterSet
    select_related = ("institution", "prepayment")


class ZeroingLedgerViewSet(ScopedViewSet):
    """The 清零 ledger (清零行动): every unregistered venue the caller sees, its target outcome
    from its rating, the person in charge, its status and outcome, and what its elders are
    still owed. Rows are venues (institutions); the filters are the ledger page's."""

    queryset = Institution.objects.none()
    serializer_class = serializers.ZeroingLedgerSerializer
    filterset_class = LedgerFilterSet
    pagination_class = ByIdCursor

    def get_queryset(self):
        # ``visible_to`` and the ledger's own test of which institutions are on it.
        return ledger_list(self.request.user)

    @staticmethod
    def rows(venues) -> list[dict]:
        """The page's rows: a constant number of queries for any number of venues."""
        venues = list(venues)
        rows = ledger_rows(venues)
        totals = refund_totals([venue.pk for venue in venues])
        for row in rows:
            row["owed"] = totals[row["institution"].pk].outstanding
        return rows

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        rows = self.rows(page)
        return self.get_paginated_response(self.get_serializer(rows, many=True).data)

    def retrieve(self, request, *args, **kwargs):
        return Response(self.get_serializer(self.rows([self.get_object()])[0]).data)


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
