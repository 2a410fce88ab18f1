"""What the API answers: one serializer per resource, reading the rows ``visible_to`` gave.

Personal data is shown as the pages show it (``core.masking``): in full to those who visit
and act on risks, masked for the others. Labels of choices travel beside their codes
(``level`` and ``level_label``) so that a client shows the plans' wording without a table.
"""

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import OrgUnit
from core.masking import show_id_number, show_phone
from disposal.models import DisposalAction, TargetOutcome, ZeroingStatus
from institutions.models import Institution
from reporting.figures import TYPED_RESULT_FIELDS
from reporting.models import NARRATIVE_FIELDS, ReportRun, WeeklyReport
from risklists.models import Assessment, ThresholdVersion
from screening.models import (
    Lead,
    PrepaymentRecord,
    PrepaymentRefund,
    ResidentInterview,
    ScreeningVisit,
    VisitAttachment,
)


def user_of(serializer):
    request = serializer.context.get("request")
    return getattr(request, "user", None)


class MaskedPhoneField(serializers.CharField):
    """A phone number as the pages show it to the caller's role (138****5678)."""

    def to_representation(self, value):
        return show_phone(value, user_of(self.parent)) if value else ""


class MaskedIdNumberField(serializers.CharField):
    """An ID number as the pages show it to the caller's role (430423********23X)."""

    def to_representation(self, value):
        return show_id_number(value, user_of(self.parent)) if value else ""


class UnitSerializer(serializers.ModelSerializer):
    level_label = serializers.CharField(source="get_level_display", read_only=True)

    class Meta:
        model = OrgUnit
        fields = ["id", "code", "name", "level", "level_label", "parent"]


class InstitutionSerializer(serializers.ModelSerializer):
    registration_status_label = serializers.CharField(
        source="get_registration_status_display", read_only=True
    )
    is_venue = serializers.SerializerMethodField()
    township_name = serializers.CharField(source="township.name", read_only=True)
    village_name = serializers.CharField(source="village.name", read_only=True, default="")
    contact_phone = MaskedPhoneField(read_only=True)

    class Meta:
        model = Institution
        fields = [
            "id",
            "name",
            "registration_status",
            "registration_status_label",
            "is_venue",
            "credit_code",
            "legal_form",
            "ownership",
            "venue_nature",
            "registration_authority",
            "registered_address",
            "actual_address",
            "township",
            "township_name",
            "village",
            "village_name",
            "beds",
            "residents",
            "legal_representative",
            "principal",
            "operator",
            "established_on",
            "filed_on",
            "found_on",
            "multi_industry",
            "collects_large_prepayment",
            "contact_person",
            "contact_phone",
            "archived_at",
            "updated_at",
        ]

    def get_is_venue(self, institution) -> bool:
        return institution.registration_status == "unregistered"


class InterviewSerializer(serializers.ModelSerializer):
    class Meta:
        model = ResidentInterview
        fields = [
            "interviewee",
            "is_agent",
            "prepayment_collected",
            "amount_mentioned",
            "risks_explained",
            "notes",
        ]


VISIT_FIELDS = [
    "visited_on",
    "staff",
    "companions",
    "method",
    "round",
    "operating_entity",
    "marketing_methods",
    "charging_methods",
    "related_companies_found",
    "large_prepayment_found",
    "prepayment_payers_reported",
    "fund_use",
    "promised_returns",
    "false_advertising",
    "suspected_crime",
    "collapsed",
    "public_opinion",
    "poster_displayed",
    "residents_housed",
    "notices_handed_out",
    "receipts_collected",
    "notice_to_every_resident",
    "commitment_letter_signed",
    "findings",
]


class VisitSerializer(serializers.ModelSerializer):
    institution_name = serializers.CharField(source="institution.name", read_only=True)
    staff_name = serializers.CharField(source="staff.display_name", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    interviews = InterviewSerializer(many=True, read_only=True)

    class Meta:
        model = ScreeningVisit
        fields = [
            "id",
            "institution",
            "institution_name",
            "status",
            "status_label",
            "submitted_at",
            *VISIT_FIELDS,
            "staff_name",
            "interviews",
            "client_id",
            "created_at",
            "updated_at",
        ]


class VisitWriteSerializer(serializers.Serializer):
    """A visit as a client sends it. The values are checked by the page's own form
    (``screening.forms.visits.ScreeningVisitForm``) and saved by the page's service; this
    declares them for the document."""

    institution = serializers.IntegerField()
    visited_on = serializers.DateField()
    staff = serializers.IntegerField(
        required=False, help_text="The visiting staff; the calling account when not given."
    )
    companions = serializers.CharField(required=False, allow_blank=True)
    method = serializers.CharField(required=False)
    round = serializers.CharField(required=False)
    operating_entity = serializers.CharField(required=False, allow_blank=True)
    marketing_methods = serializers.CharField(required=False, allow_blank=True)
    charging_methods = serializers.CharField(required=False, allow_blank=True)
    related_companies_found = serializers.CharField(required=False, allow_blank=True)
    large_prepayment_found = serializers.CharField(required=False)
    prepayment_payers_reported = serializers.IntegerField(required=False, allow_null=True)
    fund_use = serializers.CharField(required=False, allow_blank=True)
    promised_returns = serializers.BooleanField(required=False)
    false_advertising = serializers.BooleanField(required=False)
    suspected_crime = serializers.BooleanField(required=False)
    collapsed = serializers.BooleanField(required=False)
    public_opinion = serializers.BooleanField(required=False)
    poster_displayed = serializers.BooleanField(required=False)
    residents_housed = serializers.IntegerField(required=False, allow_null=True, min_value=0)
    notices_handed_out = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=0,
        help_text="At most the elders housed; with them given, sets notice_to_every_resident.",
    )
    receipts_collected = serializers.IntegerField(required=False, allow_null=True, min_value=0)
    notice_to_every_resident = serializers.BooleanField(required=False)
    commitment_letter_signed = serializers.BooleanField(required=False)
    findings = serializers.CharField(required=False, allow_blank=True)
    interviews = InterviewSerializer(many=True, required=False)
    submit = serializers.BooleanField(
        required=False, default=False, help_text="Submit at once (else saved as a draft)."
    )
    client_id = serializers.CharField(
        required=False,
        max_length=64,
        help_text="The Idempotency-Key header's value, when the client cannot send headers.",
    )


class HitSerializer(serializers.Serializer):
    """One rule that fired: its code, the level it asks, the plan's clause and the values that
    made it fire."""

    code = serializers.CharField()
    level = serializers.CharField()
    clause = serializers.CharField()
    evidence = serializers.DictField()


class ThresholdVersionSerializer(serializers.ModelSerializer):
    class Meta:
        model = ThresholdVersion
        fields = ["id", "unit", "number", "values", "created_at"]


class RatingSerializer(serializers.ModelSerializer):
    institution_name = serializers.CharField(source="institution.name", read_only=True)
    level_label = serializers.CharField(source="get_level_display", read_only=True)
    shown_level = serializers.CharField(read_only=True)
    shown_level_label = serializers.CharField(source="get_shown_level_display", read_only=True)
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    hits = HitSerializer(many=True, read_only=True)
    threshold_version = ThresholdVersionSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Assessment
        fields = [
            "id",
            "institution",
            "institution_name",
            "level",
            "level_label",
            "shown_level",
            "shown_level_label",
            "override_level",
            "override_reason",
            "state",
            "state_label",
            "hits",
            "threshold_version",
            "computed_at",
            "submitted_at",
            "reviewed_at",
            "return_reason",
        ]


class DisposalActionSerializer(serializers.ModelSerializer):
    institution_name = serializers.CharField(source="institution.name", read_only=True)
    action_type_label = serializers.CharField(source="get_action_type_display", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    case_level = serializers.CharField(source="case.level", read_only=True)
    responsible = serializers.SerializerMethodField()

    class Meta:
        model = DisposalAction
        fields = [
            "id",
            "institution",
            "institution_name",
            "case_level",
            "action_type",
            "action_type_label",
            "level",
            "assessment",
            "status",
            "status_label",
            "status_reason",
            "responsible_unit",
            "responsible",
            "required_on",
            "deadline",
            "carried_out_on",
            "completed_on",
            "overdue_since",
            "level_lowered_on",
            "document_number",
            "counterpart",
        ]

    def get_responsible(self, action) -> str:
        if action.responsible_user_id:
            return action.responsible_user.display_name
        return action.responsible_name


class LeadSerializer(serializers.ModelSerializer):
    reporter_phone = MaskedPhoneField(read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = Lead
        fields = [
            "id",
            "unit",
            "institution",
            "channel",
            "reference",
            "received_on",
            "reporter_name",
            "reporter_phone",
            "subject",
            "content",
            "status",
            "status_label",
            "is_major",
            "is_key",
            "reported_to_county_on",
            "created_at",
        ]


class LeadWriteSerializer(serializers.Serializer):
    """A lead as received; checked by the page's form (``LeadForm``), saved by its service."""

    unit = serializers.IntegerField(help_text="The township the lead belongs to.")
    channel = serializers.CharField()
    reference = serializers.CharField(required=False, allow_blank=True)
    received_on = serializers.DateField()
    reporter_name = serializers.CharField(required=False, allow_blank=True)
    reporter_phone = serializers.CharField(required=False, allow_blank=True)
    subject = serializers.CharField()
    content = serializers.CharField()
    institution = serializers.IntegerField(required=False, allow_null=True)
    is_major = serializers.BooleanField(required=False)
    reported_to_county_on = serializers.DateField(required=False, allow_null=True)


class WeeklyReportSerializer(serializers.ModelSerializer):
    township_name = serializers.CharField(source="township.name", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    is_late = serializers.BooleanField(read_only=True)

    class Meta:
        model = WeeklyReport
        fields = [
            "id",
            "township",
            "township_name",
            "year",
            "week",
            "status",
            "status_label",
            "is_late",
            "submitted_at",
            "accepted_at",
            "return_reason",
            "summary",
            *NARRATIVE_FIELDS,
            *TYPED_RESULT_FIELDS,
            "publicity_figures",
            "result_figures",
        ]


class WeeklyReportWriteSerializer(serializers.Serializer):
    """The township's report of a week, checked by the page's form (``WeeklyReportForm``)
    and saved by its service (``save_weekly_report``)."""

    year = serializers.IntegerField(min_value=2000, max_value=2100)
    week = serializers.IntegerField(min_value=1, max_value=53)
    summary = serializers.CharField(allow_blank=True)
    practices_and_cases = serializers.CharField(required=False, allow_blank=True)
    problems_and_suggestions = serializers.CharField(required=False, allow_blank=True)
    rectified = serializers.IntegerField(required=False, min_value=0)
    closed_or_banned = serializers.IntegerField(required=False, min_value=0)
    transferred = serializers.IntegerField(required=False, min_value=0)
    cases_filed = serializers.IntegerField(required=False, min_value=0)
    funds_refunded = serializers.DecimalField(
        required=False, max_digits=12, decimal_places=2, min_value=0
    )
    elders_resettled = serializers.IntegerField(required=False, min_value=0)
    elders_assisted = serializers.IntegerField(required=False, min_value=0)
    submit = serializers.BooleanField(required=False, default=False)


class RunFileSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    title = serializers.CharField()
    filename = serializers.CharField()
    size = serializers.IntegerField()
    download = serializers.CharField()


class ReportRunSerializer(serializers.ModelSerializer):
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    report_set_label = serializers.CharField(source="get_report_set_display", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    files = serializers.SerializerMethodField()
    download = serializers.SerializerMethodField()

    class Meta:
        model = ReportRun
        fields = [
            "id",
            "unit",
            "unit_name",
            "report_set",
            "report_set_label",
            "year",
            "week",
            "status",
            "status_label",
            "progress",
            "requested_at",
            "finished_at",
            "files",
            "download",
        ]

    @extend_schema_field(RunFileSerializer(many=True))
    def get_files(self, run):
        if run.status != "done":
            return []
        return [
            {
                "number": entry.get("number"),
                "title": entry.get("title", ""),
                "filename": entry.get("filename", ""),
                "size": entry.get("size", 0),
                "download": reverse("api:run-file", args=[run.pk, entry.get("number")]),
            }
            for entry in run.files or ()
        ]

    @extend_schema_field(OpenApiTypes.STR)
    def get_download(self, run):
        return reverse("api:run-download", args=[run.pk]) if run.status == "done" else ""


class PrepaymentSerializer(serializers.ModelSerializer):
    """One payment by one elder, as the institution's prepayment page lists it: the payer's
    ID number and phone masked for the roles the page masks them for."""

    institution_name = serializers.CharField(source="institution.name", read_only=True)
    payer_id_number = MaskedIdNumberField(read_only=True)
    payer_phone = MaskedPhoneField(read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    outstanding = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True)

    class Meta:
        model = PrepaymentRecord
        fields = [
            "id",
            "institution",
            "institution_name",
            "payer_name",
            "payer_id_number",
            "payer_phone",
            "kind",
            "kind_label",
            "amount",
            "paid_on",
            "monthly_fee",
            "months_covered",
            "refunded_amount",
            "outstanding",
            "promised_return",
            "promised_return_note",
            "notes",
            "created_at",
            "updated_at",
        ]


class RefundSerializer(serializers.ModelSerializer):
    """One entry of the refund ledger (a refund to an elder, or the reversal of one)."""

    institution_name = serializers.CharField(source="institution.name", read_only=True)
    payer_name = serializers.CharField(source="prepayment.payer_name", read_only=True)
    is_reversal = serializers.BooleanField(read_only=True)

    class Meta:
        model = PrepaymentRefund
        fields = [
            "id",
            "prepayment",
            "institution",
            "institution_name",
            "payer_name",
            "amount",
            "refunded_on",
            "is_reversal",
            "reverses",
            "notes",
            "created_at",
        ]


class ZeroingLedgerSerializer(serializers.Serializer):
    """A venue on the 清零 ledger as its page shows it: the target outcome the plans set (from
    its rating), the person in charge, the status, the outcome, and what its elders are still
    owed (the refund ledger). ``id`` is the venue's (the institution's) id."""

    id = serializers.IntegerField(source="institution.pk")
    name = serializers.CharField(source="institution.name")
    township = serializers.IntegerField(source="institution.township_id")
    township_name = serializers.CharField(source="institution.township.name")
    registration_status = serializers.CharField(source="institution.registration_status")
    registered = serializers.BooleanField()
    target_outcome = serializers.CharField(source="target")
    target_outcome_label = serializers.SerializerMethodField()
    large_prepayment = serializers.BooleanField()
    status = serializers.SerializerMethodField()
    status_label = serializers.SerializerMethodField()
    crossed_off = serializers.BooleanField()
    responsible = serializers.SerializerMethodField()
    outcome = serializers.SerializerMethodField()
    outcome_on = serializers.SerializerMethodField()
    crossed_off_on = serializers.SerializerMethodField()
    owed_to_elders = serializers.DecimalField(
        source="owed", max_digits=16, decimal_places=2, allow_null=True
    )

    def _entry(self, row, name, default=None):
        entry = row["entry"]
        return getattr(entry, name) if entry is not None else default

    def get_target_outcome_label(self, row) -> str:
        return str(TargetOutcome(row["target"]).label)

    def get_status(self, row) -> str:
        return self._entry(row, "status", ZeroingStatus.OPEN)

    def get_status_label(self, row) -> str:
        return str(ZeroingStatus(self.get_status(row)).label)

    def get_responsible(self, row) -> str:
        return self._entry(row, "responsible_display", "")

    def get_outcome(self, row) -> str:
        return self._entry(row, "outcome", "")

    @extend_schema_field(serializers.DateField(allow_null=True))
    def get_outcome_on(self, row):
        return self._entry(row, "outcome_on")

    @extend_schema_field(serializers.DateField(allow_null=True))
    def get_crossed_off_on(self, row):
        return self._entry(row, "crossed_off_on")


class AttachmentSerializer(serializers.ModelSerializer):
    """A photo or document of a visit; ``download`` answers the file through the same scoped
    response as the page's link."""

    filename = serializers.SerializerMethodField()
    size = serializers.SerializerMethodField()
    download = serializers.SerializerMethodField()

    class Meta:
        model = VisitAttachment
        fields = ["id", "visit", "caption", "filename", "size", "download", "created_at"]

    def get_filename(self, attachment) -> str:
        return attachment.file.name.rsplit("/", 1)[-1]

    def get_size(self, attachment) -> int | None:
        try:
            return attachment.file.size
        except OSError:
            return None

    def get_download(self, attachment) -> str:
        return reverse("api:visit-attachment", args=[attachment.visit_id, attachment.pk])


class AttachmentUploadSerializer(serializers.Serializer):
    """A photo (JPEG, PNG, WebP, HEIC …; stored re-encoded without EXIF), a PDF or an Office
    document of at most 10 MB, checked by the visit form's own rules."""

    file = serializers.FileField()
    caption = serializers.CharField(required=False, allow_blank=True, max_length=200)
