"""The rows of the per-institution tables: the 红橙黄 list (区县方案 附件3, 衡山县 附件3) and the
disposal progress (区县方案 附件4).

A province lists tens of thousands of institutions, so each function is a generator over
one streamed query (``.iterator(chunk_size=…)``) plus one streamed query for the disposal
actions, whatever the number of rows; every other figure of a row is an annotation of the
main query.
"""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import BooleanField, ExpressionWrapper, OuterRef, Subquery
from django.utils.translation import gettext as _

from disposal.models import InstitutionPlan
from institutions.models import Institution, RegistrationStatus
from risklists.levels import LIST_LEVELS, rank_expression

from .common import (
    CHUNK_SIZE,
    UNREGISTERED_SHORT,
    ActionSummary,
    DisposalResult,
    action_labels,
    action_summaries,
    case_filed_q,
    closed_q,
    join,
    level_label,
    level_labels,
    prepayment_annotations,
    rectified_q,
    refund_annotations,
    transferred_q,
    under_disposal_q,
)


def registration_labels() -> dict[str, str]:
    labels = {value: str(label) for value, label in RegistrationStatus.choices}
    labels[RegistrationStatus.UNREGISTERED] = str(UNREGISTERED_SHORT)
    return labels


def _measures(summary: ActionSummary | None, labels: dict[str, str], seen: dict) -> str:
    """The measures as one text; the same few combinations repeat over thousands of rows."""
    if summary is None:
        return ""
    key = tuple(summary.types)
    text = seen.get(key)
    if text is None:
        text = seen[key] = join([labels.get(kind, kind) for kind in key])
    return text


def _responsibility(row: dict, summary: ActionSummary | None):
    row["measures_units"] = join(summary.units, "、") if summary else ""
    row["responsible"] = join(summary.persons, "、") if summary else ""
    row["deadline"] = summary.deadline if summary else None


def risk_description(hits, override_level: str, override_reason: str) -> str:
    """The clauses of the plan that fired (the assessment's hits), and the county's reason
    when it set the level by hand."""
    text = join([hit.get("clause", "") for hit in hits or ()])
    if override_level and override_reason:
        text = join(
            [
                text,
                _("Level set by the county (%(level)s): %(reason)s")
                % {"level": level_label(override_level), "reason": override_reason},
            ]
        )
    return text


def risk_list_rows(
    user, chunk_size: int = CHUNK_SIZE, summaries: dict[int, ActionSummary] | None = None
) -> Iterator[dict]:
    """附件3 红橙黄 list: every active institution or venue whose APPROVED level is red, orange
    or yellow, red first, then by township and name.

    The level and the risk description come from the current (approved) assessment, the
    prepayments from the prepayment records, the measures, responsible units and persons
    and the time limit from the disposal actions the level required.
    """
    listed = (
        Institution.objects.visible_to(user).active().filter(rating__approved_level__in=LIST_LEVELS)
    )
    if summaries is None:
        summaries = action_summaries(user, listed)
    labels, registration, levels = action_labels(), registration_labels(), level_labels()
    measures: dict[tuple, str] = {}
    rows = (
        listed.annotate(**prepayment_annotations())
        .order_by("-rating__list_rank", "township__path", "name", "pk")
        .values(
            "pk",
            "name",
            "credit_code",
            "registration_status",
            "legal_representative",
            "operator",
            "actual_address",
            "registered_address",
            "beds",
            "residents",
            "township__name",
            "rating__approved_level",
            "rating__current__hits",
            "rating__current__override_level",
            "rating__current__override_reason",
            "prepayment_total",
            "prepayment_payers",
        )
    )
    for row in rows.iterator(chunk_size=chunk_size):
        summary = summaries.get(row["pk"])
        row["registration"] = registration.get(row["registration_status"], "")
        row["legal_representative"] = row["legal_representative"] or row["operator"]
        row["address"] = row["actual_address"] or row["registered_address"]
        row["level"] = levels[row["rating__approved_level"]]
        row["risk_description"] = risk_description(
            row["rating__current__hits"],
            row["rating__current__override_level"],
            row["rating__current__override_reason"],
        )
        row["measures"] = _measures(summary, labels, measures)
        _responsibility(row, summary)
        yield row


def _flag(q):
    return ExpressionWrapper(q, output_field=BooleanField())


def disposal_result(row: dict) -> str:
    """The furthest result reached: 立案, then 移交, 取缔关停, 整改完成; else being handled."""
    if row["case_filed"]:
        return DisposalResult.CASE_FILED
    if row["transferred"]:
        return DisposalResult.TRANSFERRED
    if row["closed"]:
        return DisposalResult.CLOSED
    if row["rectified"]:
        return DisposalResult.RECTIFIED
    return DisposalResult.IN_PROGRESS


def disposal_progress_rows(
    user, chunk_size: int = CHUNK_SIZE, summaries: dict[int, ActionSummary] | None = None
) -> Iterator[dict]:
    """附件4 分类处置工作进度表: every institution or venue under disposal for a red, orange or
    yellow level (now or earlier in the campaign; an archived one too, since closing it
    down is a result), most serious level first.

    Measures, responsible units and persons, time limit and progress (measures carried out
    of those required) come from the disposal actions; "一院一策" is the latest version of
    the institution's plan; refunds due and refunded from the refund records.
    """
    under = Institution.objects.visible_to(user).filter(under_disposal_q())
    if summaries is None:
        summaries = action_summaries(user, under)
    labels, levels = action_labels(), level_labels()
    measures: dict[tuple, str] = {}
    latest_plan = (
        InstitutionPlan.objects.filter(institution=OuterRef("pk"))
        .order_by("-version")
        .values("text")[:1]
    )
    rows = (
        under.annotate(
            plan=Subquery(latest_plan),
            level_rank=rank_expression("disposal_case__level"),
            case_filed=_flag(case_filed_q(viewer=user)),
            transferred=_flag(transferred_q(viewer=user)),
            closed=_flag(closed_q(viewer=user)),
            rectified=_flag(rectified_q(viewer=user)),
            **refund_annotations(),
        )
        .order_by("-level_rank", "township__path", "name", "pk")
        .values(
            "pk",
            "name",
            "township__name",
            "disposal_case__level",
            "plan",
            "case_filed",
            "transferred",
            "closed",
            "rectified",
            "refund_due",
            "refunded",
        )
    )
    results = {key: str(label) for key, label in DisposalResult.LABELS.items()}
    for row in rows.iterator(chunk_size=chunk_size):
        summary = summaries.get(row["pk"])
        row["level"] = levels[row["disposal_case__level"]]
        row["measures"] = _measures(summary, labels, measures)
        _responsibility(row, summary)
        row["actions_total"] = summary.total if summary else 0
        row["actions_done"] = summary.done if summary else 0
        row["result"] = results[disposal_result(row)]
        yield row
