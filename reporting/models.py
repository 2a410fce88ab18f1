"""Publicity, the Tuesday weekly report and the working group (区县方案 附件1, 附件5, 周报送).

Every row is scoped by a unit's materialised path (``scope_path``, see
``screening.models.ScopedModel``): a township's records are seen by that township and the
units above it, and by nobody else.
"""

import unicodedata

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.models import UnitLevel
from core.scoping import ScopedModel
from core.validators import validate_phone
from screening.models.records import not_in_future

from .choices import (
    GroupRole,
    PeriodKind,
    PlaceType,
    PublicationStatus,
    ReportSet,
    ReviewState,
    RunStatus,
    WeeklyStatus,
)
from .periods import ReportingMonth, ReportingWeek
from .querysets import (
    CountyReportQuerySet,
    PublicationListQuerySet,
    PublicityActivityQuerySet,
    ReportRunQuerySet,
    WeeklyReportQuerySet,
    WorkingGroupMemberQuerySet,
)

SUMMARY_MAX_CHARS = 300
# 区县方案·加强信息报送: 工作开展过程中的相关部署、进展成效、经验做法、典型案例、
# 困难问题、意见建议等情况. The week's deployments and progress are the summary's; these
# optional texts of any length carry the rest.
NARRATIVE_FIELDS = ("practices_and_cases", "problems_and_suggestions")


def person_count(text: str) -> int:
    """Characters as a person counts them: NFC-normalised, ends stripped.

    A Chinese character, a full-width punctuation mark, a letter or an emoji each count one;
    a letter typed with a combining accent (e + ◌́) counts one once normalised.
    """
    return len(unicodedata.normalize("NFC", text or "").strip())


class WorkingGroupMember(ScopedModel):
    """One member of a unit's working group for the campaign (附件1).

    The phone is an office phone published on the group list, not personal data: it is
    shown to every role that sees the list.
    """

    unit = models.ForeignKey(
        "accounts.OrgUnit",
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        related_name="working_group_members",
    )
    role = models.CharField(_("role in the group"), max_length=16, choices=GroupRole.choices)
    name = models.CharField(_("name"), max_length=50)
    unit_name = models.CharField(
        _("work unit"), max_length=100, help_text=_("Department or office, as printed.")
    )
    post = models.CharField(_("post"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True, validators=[validate_phone])
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    history = HistoricalRecords(excluded_fields=["scope_path", "updated_at"])
    objects = WorkingGroupMemberQuerySet.as_manager()

    class Meta:
        verbose_name = _("working group member")
        verbose_name_plural = _("working group members")
        ordering = ["unit__path", "order", "pk"]

    def __str__(self):
        return f"{self.get_role_display()} {self.name}"

    def scope_source(self):
        return self.unit.path


def publicity_upload_to(instance, filename):
    return f"publicity/{instance.township_id}/{filename}"


class PublicityActivity(ScopedModel):
    """A publicity activity ("三进", "四见" counts) of a township; 附件5 sums them."""

    township = models.ForeignKey(
        "accounts.OrgUnit",
        verbose_name=_("township / street"),
        on_delete=models.PROTECT,
        related_name="publicity_activities",
        limit_choices_to={"level": UnitLevel.TOWNSHIP},
    )
    held_on = models.DateField(_("date"), validators=[not_in_future])
    place_type = models.CharField(_("place type"), max_length=16, choices=PlaceType.choices)
    place_name = models.CharField(_("place"), max_length=200)
    institution = models.ForeignKey(
        "institutions.Institution",
        verbose_name=_("institution"),
        on_delete=models.PROTECT,
        related_name="publicity_activities",
        null=True,
        blank=True,
    )
    # "四见": 见海报张贴、宣传横幅、宣传资料、公益视频.
    posters = models.PositiveIntegerField(_("posters put up"), default=0)
    banners = models.PositiveIntegerField(_("banners"), default=0)
    leaflets = models.PositiveIntegerField(_("leaflets handed out"), default=0)
    videos = models.PositiveIntegerField(_("public-service video showings"), default=0)
    participants = models.PositiveIntegerField(_("people reached"), default=0)
    notes = models.TextField(_("notes"), blank=True)
    photo = models.FileField(_("photo"), upload_to=publicity_upload_to, blank=True)

    history = HistoricalRecords(excluded_fields=["scope_path", "updated_at"])
    objects = PublicityActivityQuerySet.as_manager()

    class Meta:
        verbose_name = _("publicity activity")
        verbose_name_plural = _("publicity activities")
        ordering = ["-held_on", "-pk"]
        indexes = [models.Index(fields=["township", "held_on"])]

    def __str__(self):
        return f"{self.held_on:%Y-%m-%d} {self.get_place_type_display()} · {self.place_name}"

    def get_absolute_url(self):
        return reverse("reporting:publicity_detail", args=[self.pk])

    # The township's own work (附件5 counts it for the township that held it), wherever the
    # institution it was held at moves later.
    moves_with_institution = False

    def scope_source(self):
        return self.township.path

    def clean(self):
        if self.township_id and self.township.level != UnitLevel.TOWNSHIP:
            raise ValidationError({"township": _("Choose a township or street.")})
        if (
            self.institution_id
            and self.township_id
            and self.institution.township_id != self.township_id
        ):
            raise ValidationError({"institution": _("The institution is not in this township.")})


class WeeklyReport(ScopedModel):
    """A township's report of one week (区县方案: 每周二下午17时前报送本周工作情况).

    The week is the ISO week (year, week) containing the deadline, Tuesday 17:00
    Asia/Shanghai; it covers Wednesday 00:00 of the week before to that Tuesday (see
    ``reporting.periods``). A report submitted after the deadline is late; a week whose
    deadline passed with no submitted report is missing.

    The publicity figures (附件5) come from the township's publicity records of the week:
    live while the report is a draft, frozen into ``publicity_figures`` when it is
    submitted, so later edits of the records do not change what was reported. The results
    (战果, 附件6) that only the township knows are typed; ``reporting.figures`` lists every
    figure with its source, so a figure the system can count later (from the rating or
    disposal) changes its source there, not here.
    """

    township = models.ForeignKey(
        "accounts.OrgUnit",
        verbose_name=_("township / street"),
        on_delete=models.PROTECT,
        related_name="weekly_reports",
        limit_choices_to={"level": UnitLevel.TOWNSHIP},
    )
    year = models.PositiveSmallIntegerField(_("year"))
    week = models.PositiveSmallIntegerField(_("week"))
    summary = models.TextField(
        _("this week's work"),
        blank=True,
        help_text=_("At most 300 characters."),
    )
    practices_and_cases = models.TextField(
        _("good practices and typical cases"),
        blank=True,
        help_text=_("Optional; no length limit."),
    )
    problems_and_suggestions = models.TextField(
        _("difficulties, problems and suggestions"),
        blank=True,
        help_text=_("Optional; no length limit."),
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=WeeklyStatus.choices,
        default=WeeklyStatus.DRAFT,
        db_index=True,
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The county section's review (周报送: the county accepts a township's report or returns
    # it with a reason; an accepted report is locked until the county reopens it).
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True, editable=False)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("accepted by"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    return_reason = models.TextField(
        _("why the county returned it"),
        blank=True,
        editable=False,
        help_text=_("Shown to the township until it submits the report again."),
    )
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True, editable=False)
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("returned by"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    publicity_figures = models.JSONField(
        _("publicity figures as submitted"), default=dict, blank=True, editable=False
    )
    # The counted 战果 (附件6) as they stood when the report was submitted: what the township
    # reported stays what it reported, whatever the records say later.
    result_figures = models.JSONField(
        _("results as submitted"), default=dict, blank=True, editable=False
    )

    # 战果 the township types (附件6).
    rectified = models.PositiveIntegerField(_("rectified"), default=0)
    closed_or_banned = models.PositiveIntegerField(_("closed or banned"), default=0)
    transferred = models.PositiveIntegerField(_("transferred to other authorities"), default=0)
    cases_filed = models.PositiveIntegerField(_("cases filed"), default=0)
    funds_refunded = models.DecimalField(
        _("funds refunded (10,000 yuan)"),
        max_digits=12,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0)],
    )
    elders_resettled = models.PositiveIntegerField(_("elders resettled"), default=0)
    elders_assisted = models.PositiveIntegerField(_("elders assisted"), default=0)

    history = HistoricalRecords(excluded_fields=["scope_path", "updated_at"])
    objects = WeeklyReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("weekly report")
        verbose_name_plural = _("weekly reports")
        ordering = ["-year", "-week", "township__path"]
        constraints = [
            models.UniqueConstraint(
                fields=["township", "year", "week"], name="one_weekly_report_per_township_week"
            )
        ]

    def __str__(self):
        return f"{self.township} · {self.period.label}"

    def get_absolute_url(self):
        return reverse("reporting:weekly_detail", args=[self.pk])

    def scope_source(self):
        return self.township.path

    @property
    def period(self) -> ReportingWeek:
        return ReportingWeek(self.year, self.week)

    @property
    def is_submitted(self) -> bool:
        return self.status == WeeklyStatus.SUBMITTED

    @property
    def is_late(self) -> bool:
        return bool(self.submitted_at and self.submitted_at > self.period.deadline)

    @property
    def is_accepted(self) -> bool:
        return self.is_submitted and self.accepted_at is not None

    @property
    def is_returned(self) -> bool:
        """Sent back by the county (returned or reopened) and not yet submitted again."""
        return not self.is_submitted and bool(self.return_reason)

    @property
    def review_state(self) -> str:
        if self.is_accepted:
            return ReviewState.ACCEPTED
        if self.is_submitted:
            return ReviewState.AWAITING
        if self.is_returned:
            return ReviewState.RETURNED
        return ReviewState.DRAFT

    @property
    def narrative(self) -> list[tuple[str, str, str]]:
        """(field name, label, text) of the optional texts beside the summary."""
        return [
            (name, self._meta.get_field(name).verbose_name, getattr(self, name))
            for name in NARRATIVE_FIELDS
        ]

    def clean(self):
        if person_count(self.summary) > SUMMARY_MAX_CHARS:
            raise ValidationError(
                {
                    "summary": _("At most %(max)d characters; this text has %(count)d.")
                    % {"max": SUMMARY_MAX_CHARS, "count": person_count(self.summary)}
                }
            )


class WeeklyReminder(ScopedModel):
    """催报: the county section reminds a township that its weekly report is not in."""

    township = models.ForeignKey(
        "accounts.OrgUnit",
        verbose_name=_("township / street"),
        on_delete=models.PROTECT,
        related_name="weekly_reminders",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    week = models.PositiveSmallIntegerField(_("week"))
    # Who sent it and when: ``created_by`` and ``created_at``.

    class Meta:
        verbose_name = _("reminder to report")
        verbose_name_plural = _("reminders to report")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["township", "year", "week"])]

    def __str__(self):
        return f"{self.township} · {self.period.label}"

    def scope_source(self):
        return self.township.path

    @property
    def period(self) -> ReportingWeek:
        return ReportingWeek(self.year, self.week)


# 区县方案·加强信息报送: 工作开展过程中的相关部署、进展成效、经验做法、典型案例、困难问题、
# 意见建议等情况. The county's own report has each as a text of its own, in this order.
COUNTY_REPORT_FIELDS = (
    "deployments",
    "progress",
    "practices",
    "typical_cases",
    "difficulties",
    "suggestions",
)


class CountyReport(ScopedModel):
    """The county's own report of a week or a month (区县方案: 周报送、月调度), compiled from
    the counted figures of the period and its townships' weekly reports, and submitted up.

    Written by the county section, read by the county's leaders and by the units above (the
    city sees it through ``visible_to``: its scope is the county's path); a township does not
    see it. The counted figures are frozen into ``figures`` when it is submitted, as a
    township's are, so that what went up stays what went up.
    """

    unit = models.ForeignKey(
        "accounts.OrgUnit",
        verbose_name=_("county / district"),
        on_delete=models.PROTECT,
        related_name="county_reports",
        limit_choices_to={"level": UnitLevel.COUNTY},
    )
    kind = models.CharField(_("period"), max_length=8, choices=PeriodKind.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    # The ISO week of the deadline for a week, 1–12 for a month.
    number = models.PositiveSmallIntegerField(_("week or month"))
    summary = models.TextField(
        _("summary of the work"), blank=True, help_text=_("At most 300 characters.")
    )
    deployments = models.TextField(_("deployments"), blank=True)
    progress = models.TextField(_("progress and results"), blank=True)
    practices = models.TextField(_("experience and practices"), blank=True)
    typical_cases = models.TextField(_("typical cases"), blank=True)
    difficulties = models.TextField(_("difficulties and problems"), blank=True)
    suggestions = models.TextField(_("opinions and suggestions"), blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=WeeklyStatus.choices, default=WeeklyStatus.DRAFT
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    figures = models.JSONField(_("figures as submitted"), default=dict, blank=True, editable=False)
    # The city section's review (周报送: the county passes its report up; the unit above
    # accepts it or returns it with a reason, as the county does with a township's).
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True, editable=False)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("accepted by"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    return_reason = models.TextField(
        _("why the unit above returned it"),
        blank=True,
        editable=False,
        help_text=_("Shown to the county until it submits the report again."),
    )
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True, editable=False)
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("returned by"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    history = HistoricalRecords(excluded_fields=["scope_path", "updated_at"])
    objects = CountyReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("county report")
        verbose_name_plural = _("county reports")
        ordering = ["-year", "-number", "unit__path", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "kind", "year", "number"], name="one_county_report_per_period"
            )
        ]

    def __str__(self):
        return f"{self.unit} · {self.get_kind_display()} · {self.period.label}"

    def scope_source(self):
        return self.unit.path

    def get_absolute_url(self):
        if self.kind == PeriodKind.MONTH:
            return reverse("reporting:county_monthly", args=[self.unit_id, self.year, self.number])
        return reverse("reporting:county_weekly", args=[self.unit_id, self.year, self.number])

    @property
    def period(self) -> ReportingWeek | ReportingMonth:
        if self.kind == PeriodKind.MONTH:
            return ReportingMonth(self.year, self.number)
        return ReportingWeek(self.year, self.number)

    @property
    def is_submitted(self) -> bool:
        return self.status == WeeklyStatus.SUBMITTED

    @property
    def is_accepted(self) -> bool:
        return self.is_submitted and self.accepted_at is not None

    @property
    def is_returned(self) -> bool:
        """Sent back by the unit above (returned or reopened), not yet submitted again."""
        return not self.is_submitted and bool(self.return_reason)

    @property
    def review_state(self) -> str:
        """The same states as a township's report (``ReviewState``), the city reviewing."""
        if self.is_accepted:
            return ReviewState.ACCEPTED
        if self.is_submitted:
            return ReviewState.AWAITING
        if self.is_returned:
            return ReviewState.RETURNED
        return ReviewState.DRAFT

    @property
    def sections(self) -> list[tuple[str, str, str]]:
        """(field name, label, text) of the six texts, in the plan's order."""
        return [
            (name, self._meta.get_field(name).verbose_name, getattr(self, name))
            for name in COUNTY_REPORT_FIELDS
        ]

    def clean(self):
        if self.unit_id and self.unit.level != UnitLevel.COUNTY:
            raise ValidationError({"unit": _("Choose a county or district.")})
        if person_count(self.summary) > SUMMARY_MAX_CHARS:
            raise ValidationError(
                {
                    "summary": _("At most %(max)d characters; this text has %(count)d.")
                    % {"max": SUMMARY_MAX_CHARS, "count": person_count(self.summary)}
                }
            )


def report_run_upload_to(instance, filename):
    return f"reports/{instance.unit_id}/{instance.report_set}/{instance.period.label}/{filename}"


class ReportRun(ScopedModel):
    """One pack of spreadsheets for one unit, one set and one reporting week.

    There is at most one run per (unit, set, week): building the same period again replaces
    its files (a re-run, a retry or a redelivered task never makes a second pack). Every
    attempt writes its files under its own folder; ``files`` and ``zip_file`` point at the
    attempt that completed, so a pack is either whole or not there. ``heartbeat_at`` moves
    while a worker builds it; a run whose heartbeat stops (a worker killed) is requeued.
    """

    unit = models.ForeignKey(
        "accounts.OrgUnit",
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        related_name="report_runs",
    )
    report_set = models.CharField(_("report set"), max_length=32, choices=ReportSet.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    week = models.PositiveSmallIntegerField(_("week"))
    status = models.CharField(
        _("status"), max_length=16, choices=RunStatus.choices, default=RunStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    step = models.CharField(_("current step"), max_length=200, blank=True)
    error = models.TextField(_("error"), blank=True)
    attempt = models.PositiveIntegerField(_("attempt"), default=0)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Empty when the schedule built it."),
    )
    requested_at = models.DateTimeField(_("requested at"))
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    # [{"number": 1, "title": "…", "name": "reports/…/附件1_….xlsx", "size": 1234}, …]
    files = models.JSONField(_("files"), default=list, blank=True)
    zip_file = models.FileField(_("zip of all files"), upload_to=report_run_upload_to, blank=True)
    # The one moment every figure of the pack was read at (数据截至…): the week's deadline,
    # or the moment it was built while the week was not yet due.
    cutoff = models.DateTimeField(_("data as of"), null=True, blank=True)
    # What ``reporting.reconcile`` found: [] when every identity holds, None: not checked.
    checks = models.JSONField(_("reconciliation"), null=True, blank=True)
    # Townships whose weekly report of the week was not submitted by the cut-off (未报送).
    not_reported = models.JSONField(_("townships not reported"), default=list, blank=True)

    history = HistoricalRecords(
        excluded_fields=["scope_path", "updated_at", "progress", "step", "heartbeat_at"]
    )
    objects = ReportRunQuerySet.as_manager()

    class Meta:
        verbose_name = _("report run")
        verbose_name_plural = _("report runs")
        ordering = ["-year", "-week", "unit__path", "report_set"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "report_set", "year", "week"], name="one_report_run_per_period"
            )
        ]
        indexes = [models.Index(fields=["status", "heartbeat_at"])]

    def __str__(self):
        return f"{self.unit} · {self.get_report_set_display()} · {self.period.label}"

    def get_absolute_url(self):
        return reverse("reporting:run_detail", args=[self.pk])

    def scope_source(self):
        return self.unit.path

    @property
    def period(self) -> ReportingWeek:
        return ReportingWeek(self.year, self.week)

    @property
    def is_done(self) -> bool:
        return self.status == RunStatus.DONE

    @property
    def is_active(self) -> bool:
        return self.status in (RunStatus.QUEUED, RunStatus.RUNNING)

    @property
    def failures(self) -> list:
        """The identities the pack breaks (``reporting.reconcile.Failure``)."""
        from .reconcile import Failure

        return [Failure.from_dict(values) for values in self.checks or ()]


class PublicationList(ScopedModel):
    """The county's list for 政务公开 (区县方案 二(三)三: 按照《养老服务领域基层政务公开标准指引》
    及时公布本辖区依法登记备案的养老机构名单、…行政检查、行政处罚等信息): the filed institutions,
    the inspections and the administrative penalties of a period, without personal data.

    The rows are read when the county section prepares (or refreshes) the list and kept in
    ``rows``, so what was approved is what is downloaded, whatever changes later. Approval
    is checked against the version the approver saw. Leaders and the units above read
    approved lists only; a township does not see them.
    """

    unit = models.ForeignKey(
        "accounts.OrgUnit",
        verbose_name=_("county / district"),
        on_delete=models.PROTECT,
        related_name="publication_lists",
        limit_choices_to={"level": UnitLevel.COUNTY},
    )
    as_of = models.DateField(_("publication date"))
    since = models.DateField(
        _("inspections and penalties from"),
        help_text=_("Inspections and penalties dated from this day to the publication date."),
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=PublicationStatus.choices,
        default=PublicationStatus.DRAFT,
    )
    read_at = models.DateTimeField(_("rows read at"), null=True, blank=True, editable=False)
    rows = models.JSONField(_("rows as read"), default=dict, blank=True, editable=False)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True, editable=False)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    history = HistoricalRecords(excluded_fields=["scope_path", "updated_at"])
    objects = PublicationListQuerySet.as_manager()

    class Meta:
        verbose_name = _("publication list")
        verbose_name_plural = _("publication lists")
        ordering = ["-as_of", "unit__path", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "as_of"],
                name="one_publication_list_per_county_and_date",
                violation_error_message=_("This county already has a list for this date."),
            )
        ]

    def __str__(self):
        return f"{self.unit} · {self.as_of:%Y-%m-%d}"

    def scope_source(self):
        return self.unit.path

    def get_absolute_url(self):
        return reverse("reporting:publication_detail", args=[self.pk])

    @property
    def is_approved(self) -> bool:
        return self.status == PublicationStatus.APPROVED

    def section(self, name: str) -> list[dict]:
        return list((self.rows or {}).get(name, ()))

    def clean(self):
        if self.unit_id and self.unit.level != UnitLevel.COUNTY:
            raise ValidationError({"unit": _("Choose a county or district.")})
        if self.since and self.as_of and self.since > self.as_of:
            raise ValidationError(
                {"since": _("The period starts on or before the publication date.")}
            )
