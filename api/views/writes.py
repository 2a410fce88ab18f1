"""What the API writes: a visit and its files, a lead, a township's weekly report.

Each write is checked by the page's own form (the same fields, choices scoped to the caller,
the same messages) and saved by the page's own service, which asks the caller's role and
unit again and keeps the history with the caller — the system account — as its author.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, status
from rest_framework.decorators import action
from rest_framework.response import Response

from institutions.models import Institution
from reporting import services as reporting_services
from reporting.forms import WeeklyReportForm
from reporting.models import WeeklyReport
from reporting.periods import ReportingWeek
from reporting.selectors.weekly import reporting_township
from screening.forms.leads import LeadForm
from screening.forms.visits import (
    AttachmentUploadForm,
    ResidentInterviewForm,
    ScreeningVisitForm,
)
from screening.models import ResidentInterview, ScreeningVisit
from screening.services import leads as lead_services
from screening.services import visits as visit_services

from .. import serializers
from ..parsers import LimitedMultiPartParser, check_upload_size
from .resources import LeadViewSet, VisitViewSet, WeeklyReportViewSet

IDEMPOTENCY_HEADER = "Idempotency-Key"
CLIENT_ID_LENGTH = 64


def form_errors(form, prefix=""):
    """A Django form's errors as DRF's ``{field: [messages]}``, codes kept."""
    detail = {}
    for field, errors in form.errors.as_data().items():
        name = "non_field_errors" if field == "__all__" else field
        key = f"{prefix}{name}" if prefix and name != "non_field_errors" else name
        detail[key] = [
            exceptions.ErrorDetail(message, code=error.code or "invalid")
            for error in errors
            for message in error.messages
        ]
    return detail


def model_defaults(model, names, data):
    """Values a form requires but a client may leave out: the model's defaults."""
    filled = dict(data)
    for name in names:
        if name not in filled:
            field = model._meta.get_field(name)
            if field.has_default():
                filled[name] = field.get_default()
    return filled


def visible_or_invalid(queryset, pk, field):
    try:
        return queryset.get(pk=int(pk))
    except (TypeError, ValueError, queryset.model.DoesNotExist):
        raise exceptions.ValidationError(
            {field: [_("Not found among the records of your unit.")]}
        ) from None


class VisitWriteViewSet(VisitViewSet):
    write_permission = "can_edit_registry"

    def client_id(self, request) -> str:
        value = request.headers.get(IDEMPOTENCY_HEADER) or ""
        if not value and isinstance(request.data, dict):
            value = str(request.data.get("client_id") or "")
        value = value.strip()
        if len(value) > CLIENT_ID_LENGTH:
            raise exceptions.ValidationError(
                {"client_id": [_("At most %(n)d characters.") % {"n": CLIENT_ID_LENGTH}]}
            )
        return value

    def replayed(self, request, client_id):
        if not client_id:
            return None
        return (
            ScreeningVisit.objects.visible_to(request.user)
            .filter(created_by=request.user, client_id=client_id)
            .first()
        )

    def answer(self, visit, code):
        visit = self.get_queryset().get(pk=visit.pk)
        response = Response(self.get_serializer(visit).data, status=code)
        if code == status.HTTP_200_OK:
            response["Idempotent-Replayed"] = "true"
        return response

    @extend_schema(
        request=serializers.VisitWriteSerializer,
        responses={201: serializers.VisitSerializer, 200: serializers.VisitSerializer},
        parameters=[
            OpenApiParameter(
                IDEMPOTENCY_HEADER,
                str,
                OpenApiParameter.HEADER,
                description=(
                    "The client's own id of this visit (≤ 64 characters): posting it again "
                    "answers the visit already made (200) instead of making another."
                ),
            )
        ],
    )
    def create(self, request, *args, **kwargs):
        """Record a visit (a draft, or submitted with ``submit``), as the visit form does."""
        user = request.user
        client_id = self.client_id(request)
        existing = self.replayed(request, client_id)
        if existing is not None:
            return self.answer(existing, status.HTTP_200_OK)
        incoming = serializers.VisitWriteSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = dict(request.data)
        institution = visible_or_invalid(
            Institution.objects.visible_to(user), data.get("institution"), "institution"
        )
        data.setdefault("staff", user.pk)
        data = model_defaults(ScreeningVisit, ("method", "round", "large_prepayment_found"), data)
        form = ScreeningVisitForm(
            data=data, instance=ScreeningVisit(institution=institution), user=user
        )
        interviews, errors = [], {}
        if not form.is_valid():
            errors.update(form_errors(form))
        for index, item in enumerate(incoming.initial_data.get("interviews") or []):
            interview_form = ResidentInterviewForm(
                data=model_defaults(
                    ResidentInterview, ("prepayment_collected", "risks_explained"), item
                )
            )
            if interview_form.is_valid():
                interviews.append(interview_form.save(commit=False))
            else:
                errors.update(form_errors(interview_form, prefix=f"interviews[{index}]."))
        if errors:
            raise exceptions.ValidationError(errors)
        # The service makes the visit at most once per client id (the unique constraint
        # decides between concurrent requests) and refuses the id sent for another
        # institution: the same rules as the visit form and the field app's outbox.
        visit, created = visit_services.record_visit(
            user=user,
            visit=form.instance,
            client_id=client_id,
            interviews=interviews,
            submit=incoming.validated_data["submit"],
        )
        if not created:
            return self.answer(visit, status.HTTP_200_OK)
        return self.answer(visit, status.HTTP_201_CREATED)

    @extend_schema(responses=serializers.AttachmentSerializer(many=True), filters=False)
    @action(
        detail=True,
        url_path="attachments",
        url_name="attachments",
        parser_classes=[LimitedMultiPartParser],
        pagination_class=None,
    )
    def attachments(self, request, pk=None):
        """The photos and documents of a visit, each with its download address."""
        files = self.visit_attachments().order_by("pk")
        return Response(serializers.AttachmentSerializer(files, many=True).data)

    @extend_schema(
        request={"multipart/form-data": serializers.AttachmentUploadSerializer},
        responses={201: serializers.AttachmentSerializer(many=True)},
        filters=False,
    )
    @attachments.mapping.post
    def upload_attachment(self, request, pk=None):
        """Add a photo or document to a draft visit (``multipart/form-data``, field ``file``,
        repeatable, and ``caption``), by the visit form's rules: photos (JPEG, PNG, WebP,
        HEIC …) are stored re-encoded without EXIF or GPS, PDF and Office documents are
        checked by their content, at most 10 MB each; a submitted visit takes no files."""
        check_upload_size(request)
        visit = self.get_object()
        form = AttachmentUploadForm(data=request.data, files=request.FILES)
        if not form.is_valid():
            raise exceptions.ValidationError(form_errors(form))
        try:
            stored = visit_services.attach_files(
                user=request.user, visit=visit, attachments=form.uploads()
            )
        except ValidationError as exc:
            raise exceptions.ValidationError({"non_field_errors": exc.messages}) from None
        return Response(
            serializers.AttachmentSerializer(stored, many=True).data,
            status=status.HTTP_201_CREATED,
        )


class LeadWriteViewSet(LeadViewSet):
    write_permission = "can_edit_registry"

    @extend_schema(
        request=serializers.LeadWriteSerializer, responses={201: serializers.LeadSerializer}
    )
    def create(self, request, *args, **kwargs):
        """Record a lead (线索) as received, as the lead form does."""
        serializers.LeadWriteSerializer(data=request.data).is_valid(raise_exception=True)
        form = LeadForm(data=dict(request.data), user=request.user)
        if not form.is_valid():
            raise exceptions.ValidationError(form_errors(form))
        lead = lead_services.save_lead(user=request.user, lead=form.instance)
        lead = self.get_queryset().get(pk=lead.pk)
        return Response(self.get_serializer(lead).data, status=status.HTTP_201_CREATED)


class WeeklyReportWriteViewSet(WeeklyReportViewSet):
    write_permission = "can_edit_registry"

    @extend_schema(
        request=serializers.WeeklyReportWriteSerializer,
        responses={
            201: serializers.WeeklyReportSerializer,
            200: serializers.WeeklyReportSerializer,
        },
    )
    def create(self, request, *args, **kwargs):
        """Save the caller's township's report of a week as a draft, or submit it."""
        incoming = serializers.WeeklyReportWriteSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        user = request.user
        township = reporting_township(user)
        if township is None:
            raise exceptions.PermissionDenied(
                _("Only a township or street submits the weekly report.")
            )
        try:
            week = ReportingWeek(incoming.validated_data["year"], incoming.validated_data["week"])
        except (ValueError, OverflowError):
            raise exceptions.ValidationError({"week": [_("No such week.")]}) from None
        report = (
            WeeklyReport.objects.visible_to(user)
            .filter(township=township, year=week.year, week=week.week)
            .first()
        )
        new = WeeklyReport(township=township, year=week.year, week=week.week)
        form = WeeklyReportForm(instance=report or new, user=user)
        data = {
            name: form.initial.get(name) for name in form.fields if not form[name].field.disabled
        }
        data = {name: value for name, value in data.items() if value is not None}
        data.update(dict(request.data))
        form = WeeklyReportForm(data=data, instance=report or new, user=user)
        if not form.is_valid():
            raise exceptions.ValidationError(form_errors(form))
        saved = reporting_services.save_weekly_report(
            user=user,
            week=week,
            summary=form.cleaned_data["summary"],
            results=form.results,
            narrative=form.narrative,
            submit=incoming.validated_data["submit"],
        )
        saved = self.get_queryset().get(pk=saved.pk)
        code = status.HTTP_200_OK if report is not None else status.HTTP_201_CREATED
        return Response(self.get_serializer(saved).data, status=code)
