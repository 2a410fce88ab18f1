"""The enumerations of reporting (NetBox keeps an app's choices in ``choices.py`` too): the
models use them, and so do the querysets, without importing the models."""

from django.db import models
from django.db.models import Case, Value, When
from django.utils.translation import gettext_lazy as _


class GroupRole(models.TextChoices):
    # 区县方案·加强组织领导: 组长、副组长、成员, 并安排专人负责工作联络.
    LEADER = "leader", _("Group leader")
    DEPUTY = "deputy", _("Deputy group leader")
    MEMBER = "member", _("Group member")
    LIAISON = "liaison", _("Liaison officer")

    @classmethod
    def order_expression(cls):
        return Case(
            *[When(role=value, then=Value(i)) for i, value in enumerate(cls.values)],
            default=Value(len(cls.values)),
            output_field=models.IntegerField(),
        )


class PlaceType(models.TextChoices):
    # 区县方案 "三进": 进村、进社区、进养老服务机构.
    VILLAGE = "village", _("Into a village")
    COMMUNITY = "community", _("Into a community")
    INSTITUTION = "institution", _("Into an elder-care institution")
    # 衡山县方案 §二.四: 走进公园、走进广场等老年人聚集的场所开展宣传. Not one of the "三进":
    # 附件5 counts it in a column of its own.
    GATHERING_PLACE = (
        "gathering_place",
        _("Into a park, square or other place where elders gather"),
    )


class WeeklyStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")


class PeriodKind(models.TextChoices):
    """The county's own reports (区县方案: 周报送、月调度): one per week and one per month."""

    WEEK = "week", _("Weekly report")
    MONTH = "month", _("Monthly summary")


class ReviewState(models.TextChoices):
    """Where a township's weekly report stands with the county section."""

    DRAFT = "draft", _("Draft")
    AWAITING = "awaiting", _("Awaiting the county's review")
    ACCEPTED = "accepted", _("Accepted")
    RETURNED = "returned", _("Returned")


REVIEW_STYLES = {
    ReviewState.DRAFT: "text-bg-light border",
    ReviewState.AWAITING: "text-bg-info",
    ReviewState.ACCEPTED: "text-bg-success",
    ReviewState.RETURNED: "text-bg-danger",
}


class ReportSet(models.TextChoices):
    """The sets of spreadsheets the product produces, each from its plan's attachments."""

    # 区县方案·加强信息报送: 周报送 — attachment tables 1–6 of the district plan.
    DISTRICT_WEEKLY = "district_weekly", _("Weekly pack (district plan, attachments 1–6)")
    # 山民发〔2022〕1号: 附件1–5 of the 衡山县 baseline screening.
    BASELINE = "baseline", _("Baseline screening pack (衡山县 plan, attachments 1–5)")
    # 周报送 up the tree: the district's tables 1–6 with one row per county (a city's or a
    # province's pack of its counties).
    ROLLUP_WEEKLY = "rollup_weekly", _("Roll-up pack (attachments 1–6, one row per county)")


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Being built")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")


class PublicationStatus(models.TextChoices):
    """A publication list (政务公开) is prepared, then approved by the county section; only an
    approved list is downloaded for the website and read by leaders and the units above."""

    DRAFT = "draft", _("Draft")
    APPROVED = "approved", _("Approved")


class InspectionConclusion(models.TextChoices):
    """What the publication list says of an inspection (行政检查), in neutral wording: that the
    bureau found something and follows it up, never what it suspects."""

    NO_PROBLEMS = "none", _("No problems found")
    FOLLOW_UP = "found", _("Problems found; follow-up under way")
