"""The rows of the per-institution tables: the 红橙黄 list (区县方案 附件3, 衡山县 附件3) and the
disposal progress (区县方案 附件4).

A province lists tens of thousands of institutions, so each function is a generator over
one streamed query (``.iterator(chunk_size=…)``) plus one streamed query for the disposal
actions, whatever the number of rows; every other figure of a row is an annotation of the
main query.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from datetime import date, datetime

from django.db.models import BooleanField, ExpressionWrapper, F, OuterRef, Subquery
from django.utils.translation import gettext as _

from core.asof import recorded_by, value_as_of
from disposal.levels import required_action_types
from disposal.models import DisposalCase, InstitutionPlan
from disposal.selectors.records import RefundTotals, refund_totals
from institutions.models import Institution, RegistrationStatus
from risklists.levels import LIST_LEVELS, rank_expression
from risklists.selectors import levels_in_force
from screening.selectors.four_looks import TownshipAt, registration_status_at

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


def overridden(level: str, assessed_level: str, reason: str) -> tuple[str, str]:
    """The county's level and reason as a change of approved level recorded them: a level
    other than the assessment's was set by hand (raised, or lowered with a reason)."""
    if level and assessed_level and level != assessed_level:
        return level, reason
    return "", ""


@functools.cache
def measures_of_level(level: str) -> frozenset[str]:
    """Every measure ``level`` may require (its conditional ones included)."""
    return frozenset(
        required_action_types(
            level,
            illegal_fundraising=True,
            crime_suspected=True,
            mechanism_for_every_orange=True,
        )
    )


def risk_list_rows(
    user,
    chunk_size: int = CHUNK_SIZE,
    summaries: dict[int, ActionSummary] | None = None,
    cutoff: datetime | None = None,
) -> Iterator[dict]:
    """附件3 红橙黄 list: every institution or venue on the registry at ``cutoff`` whose
    APPROVED level then was red, orange or yellow, red first, then by township and name.

    The level, the risk description and the county's reason come from the change of
    approved level in force at ``cutoff`` (``risklists.selectors.levels_in_force``: the
    ledger, never edited) and the assessment it approved; the prepayments from the
    prepayment records as they stood then; the measures, responsible units and persons and
    the time limit from the disposal actions then, those the row's level requires.
    """
    registry = Institution.objects.visible_to(user).as_of(cutoff)
    in_force = levels_in_force(cutoff).filter(
        level__in=LIST_LEVELS, institution__in=registry.values("pk")
    )
    if summaries is None:
        summaries = action_summaries(
            user, Institution.objects.filter(pk__in=in_force.values("institution_id")), cutoff
        )
    labels, registration, levels = action_labels(), registration_labels(), level_labels()
    measures: dict[tuple, str] = {}
    of_level = {level: measures_of_level(level) for level in LIST_LEVELS}
    institution = {
        name: F(f"institution__{name}")
        for name in (
            "name",
            "credit_code",
            "legal_representative",
            "operator",
            "actual_address",
            "registered_address",
            "beds",
            "residents",
        )
    }
    # Each institution in the township it belonged to at the cut-off.
    at = TownshipAt(cutoff)
    in_force, path = at.named(in_force, "institution_id")
    rows = (
        in_force.annotate(
            **prepayment_annotations(cutoff, outer="institution_id"),
            rank=rank_expression("level"),
        )
        .order_by("-rank", path, "institution__name", "institution_id")
        .values(
            "level",
            "reason",
            "prepayment_total",
            "prepayment_payers",
            *at.names,
            pk=F("institution_id"),
            township__name=F("institution__township__name"),
            township_id=F("institution__township_id"),
            registration_then=registration_status_at(cutoff, outer="institution_id"),
            assessed_level=F("assessment__level"),
            hits=F("assessment__hits"),
            **institution,
        )
    )
    for row in rows.iterator(chunk_size=chunk_size):
        at.rename(row)
        level = row["level"]
        summary = summaries.get(row["pk"])
        if summary is not None:
            summary = summary.of_types(of_level[level])
        row["registration"] = registration.get(row["registration_then"], "")
        row["legal_representative"] = row["legal_representative"] or row["operator"]
        row["address"] = row["actual_address"] or row["registered_address"]
        row["level_value"] = level
        row["level"] = levels[level]
        row["risk_description"] = risk_description(
            row["hits"], *overridden(level, row["assessed_level"], row["reason"])
        )
        row["measures"] = _measures(summary, labels, measures)
        row["measure_types"] = summary.types if summary else ()
        _responsibility(row, summary)
        yield row


def _flag(q):
    return ExpressionWrapper(q, output_field=BooleanField())


def under_disposal_refunds(user, cutoff: datetime | None, since: date | None):
    """Per institution under disposal at ``cutoff`` (the set 附件4 lists): what its elders
    paid in and what was refunded to them since ``since``, from disposal's one reading of the
    ledger (``refund_totals``). 附件4 prints it per institution and 附件6 adds it up per
    township: a pack reads it once for both."""
    under = Institution.objects.visible_to(user).filter(
        recorded_by(cutoff), under_disposal_q(cutoff)
    )
    return refund_totals(under, as_of=cutoff, since=since)


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
    user,
    chunk_size: int = CHUNK_SIZE,
    *,
    summaries: dict[int, ActionSummary],
    refunds: dict[int, RefundTotals],
    cutoff: datetime | None = None,
) -> Iterator[dict]:
    """附件4 分类处置工作进度表: every institution or venue under disposal for a red, orange or
    yellow level at ``cutoff`` (then or earlier in the campaign; an archived one too, since
    closing it down is a result), most serious level first.

    Measures, responsible units and persons, time limit and progress (measures carried out
    of those required) come from ``summaries`` (``action_summaries`` at the same cut-off);
    "一院一策" is the latest version of the institution's plan then; refunds due and refunded
    from ``refunds`` (``under_disposal_refunds`` at the same cut-off, since the campaign
    start in a pack: the figures 附件6 adds up). The pack reads both once for several tables,
    so they are the caller's to give.
    """
    under = Institution.objects.visible_to(user).filter(
        recorded_by(cutoff), under_disposal_q(cutoff)
    )
    labels, levels = action_labels(), level_labels()
    measures: dict[tuple, str] = {}
    latest_plan = (
        InstitutionPlan.objects.filter(recorded_by(cutoff), institution=OuterRef("pk"))
        .order_by("-version")
        .values("text")[:1]
    )
    level = value_as_of(DisposalCase, "level", cutoff, outer="disposal_case__id")
    at = TownshipAt(cutoff)  # each institution in the township it belonged to then
    under, path = at.named(under)
    rows = (
        under.annotate(
            plan=Subquery(latest_plan),
            case_level=level,
            level_rank=rank_expression("case_level"),
            case_filed=_flag(case_filed_q(viewer=user, cutoff=cutoff)),
            transferred=_flag(transferred_q(viewer=user, cutoff=cutoff)),
            closed=_flag(closed_q(viewer=user, cutoff=cutoff)),
            rectified=_flag(rectified_q(viewer=user, cutoff=cutoff)),
        )
        .order_by("-level_rank", path, "name", "pk")
        .values(
            "pk",
            "name",
            "township_id",
            "township__name",
            *at.names,
            "case_level",
            "plan",
            "case_filed",
            "transferred",
            "closed",
            "rectified",
        )
    )
    results = {key: str(label) for key, label in DisposalResult.LABELS.items()}
    nothing = RefundTotals()
    for row in rows.iterator(chunk_size=chunk_size):
        at.rename(row)
        summary = summaries.get(row["pk"])
        refund = refunds.get(row["pk"], nothing)
        row["level"] = levels[row["case_level"]]
        row["measures"] = _measures(summary, labels, measures)
        _responsibility(row, summary)
        row["actions_total"] = summary.total if summary else 0
        row["actions_done"] = summary.done if summary else 0
        row["refund_due"] = refund.due
        row["refunded"] = refund.refunded
        row["result"] = results[disposal_result(row)]
        yield row
