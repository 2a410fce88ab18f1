"""Findings that stay found, read from the records (``models/findings.py``): for each
institution and each standing fact, the record that established it, unless the county
section has resolved it since.

A fact stands when a record of it (a submitted visit that found it; for 承诺投资回报 also a
prepayment record with a promised return; for 关联交易 a related company with related-party
transactions; for 重大舆情 a public opinion event of level 重大 about the institution, from
the moment it was recorded as 重大) was recorded after the latest resolution of that fact, or
when there is no resolution. The record named is the earliest such one (by its date, then
its id), so a later visit that finds the fact again changes nothing, and a later visit that
does not find it changes nothing either.

A determination of the competent authority that the institution's activity is illegal
fundraising (``models/determinations.py``, 认定为非法集资) establishes 涉嫌非法集资 like any
record, and it alone establishes ``ILLEGAL_FUNDRAISING`` (属于非法集资的, what the district
plan's 纳入处非机制 depends on): under the same resolutions as the suspected crime, since it is
the same finding made certain. A determination counts from when it was last saved (a
determination recorded as 调查中 and changed to 认定 establishes the finding then). Every
determination, whatever its result, is also listed (``determinations_from_rows``) so that
the rating's evidence shows a 不构成非法集资 beside the finding it does not resolve.

``standing_reads`` gives the queries (the rating's figures run them with its own for any
number of institutions; a constant number of queries), ``standing_from_rows`` turns their
rows into the findings, and ``standing_findings`` does both for the institution page and
the resolution service: one computation, wherever the findings are shown or rated.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Q
from django.db.models.functions import Coalesce

from core import clock
from core.db import fetch_together

from ..models import (
    DeterminationResult,
    FindingResolution,
    FundraisingDetermination,
    OpinionEvent,
    OpinionLevel,
    PrepaymentRecord,
    RelatedCompany,
    ScreeningVisit,
    SourceKind,
    StandingFact,
    VisitStatus,
)

# The findings a visit records, in the order of the visit's columns read below.
VISIT_FACTS = (
    StandingFact.COLLAPSED,
    StandingFact.SUSPECTED_CRIME,
    StandingFact.PUBLIC_OPINION,
    StandingFact.PROMISED_RETURNS,
    StandingFact.FALSE_ADVERTISING,
)
_KIND_ORDER = {kind: n for n, kind in enumerate(SourceKind.values)}
# Not a standing fact of its own (it is resolved with the suspected crime), but named in the
# findings: 属于非法集资的, established only by a determination (engine.Facts.illegal_fundraising).
ILLEGAL_FUNDRAISING = "illegal_fundraising"


@dataclass(frozen=True, slots=True)
class Source:
    """The record that established a finding (or that counted as a complaint)."""

    kind: str
    id: int
    date: date
    # A determination's result (DeterminationResult), else empty.
    result: str = ""

    @property
    def sort_key(self):
        return (self.date, _KIND_ORDER[self.kind], self.id)

    def as_evidence(self) -> dict:
        """JSON-ready, as the rating's evidence keeps it."""
        evidence = {"kind": str(self.kind), "id": self.id, "date": self.date.isoformat()}
        if self.result:
            evidence["result"] = str(self.result)
        return evidence

    @property
    def kind_label(self) -> str:
        return SourceKind(self.kind).label


def standing_reads(where: dict) -> list:
    """The queries behind the findings of the institutions ``where`` selects (a filter on
    ``institution``): resolutions, then the visits, prepayments, related companies and
    major public opinion events that record a standing fact, and the determinations of
    illegal fundraising. Only rows that record one are read: a few in a hundred."""
    resolutions = (
        FindingResolution.objects.filter(**where)
        .order_by()
        .values_list("institution_id", "fact", "resolved_at")
    )
    any_flag = Q()
    for fact in VISIT_FACTS:
        any_flag |= Q(**{fact.value: True})
    visits = (
        ScreeningVisit.objects.filter(any_flag, status=VisitStatus.SUBMITTED, **where)
        .annotate(recorded=Coalesce("submitted_at", "created_at"))
        .order_by()
        .values_list("institution_id", "pk", "visited_on", "recorded", *VISIT_FACTS)
    )
    promised = (
        PrepaymentRecord.objects.filter(promised_return=True, **where)
        .order_by()
        .values_list("institution_id", "pk", "paid_on", "created_at")
    )
    companies = (
        RelatedCompany.objects.filter(has_transactions=True, **where)
        .order_by()
        .values_list("institution_id", "pk", "created_at")
    )
    # 区县方案 二(二)二 引起不良影响或重大舆情: a 重大 event recorded about the institution.
    opinions = (
        OpinionEvent.objects.filter(level=OpinionLevel.MAJOR, major_since__isnull=False, **where)
        .order_by()
        .values_list("institution_id", "pk", "found_on", "major_since")
    )
    determinations = (
        FundraisingDetermination.objects.filter(**where)
        .order_by()
        .values_list("institution_id", "pk", "determined_on", "result", "updated_at")
    )
    return [resolutions, visits, promised, companies, opinions, determinations]


def standing_from_rows(
    wanted, resolutions, visits, promised, companies, opinions, determinations
) -> dict[int, dict[str, Source]]:
    """``{institution id: {fact: Source}}`` for the institutions in ``wanted`` (a
    container of ids), from the rows of ``standing_reads``; ``ILLEGAL_FUNDRAISING`` among
    the facts when a determination says so."""
    resolved: dict[tuple[int, str], datetime] = {}
    for pk, fact, at in resolutions:
        key = (pk, fact)
        if key not in resolved or at > resolved[key]:
            resolved[key] = at
    found: dict[int, dict[str, Source]] = {}

    def offer(pk, fact, source: Source, recorded: datetime, resolved_as=None):
        if pk not in wanted:
            return
        cutoff = resolved.get((pk, resolved_as or fact)) if resolved else None
        if cutoff is not None and recorded <= cutoff:
            return
        facts = found.setdefault(pk, {})
        current = facts.get(fact)
        if current is None or source.sort_key < current.sort_key:
            facts[fact] = source

    for pk, visit_id, visited_on, recorded, *flags in visits:
        for fact, flag in zip(VISIT_FACTS, flags, strict=True):
            if flag:
                offer(pk, fact.value, Source(SourceKind.VISIT, visit_id, visited_on), recorded)
    for pk, record_id, paid_on, created_at in promised:
        offer(
            pk,
            StandingFact.PROMISED_RETURNS.value,
            Source(SourceKind.PREPAYMENT, record_id, paid_on),
            created_at,
        )
    for pk, company_id, created_at in companies:
        offer(
            pk,
            StandingFact.RELATED_PARTY_TRANSACTIONS.value,
            Source(SourceKind.RELATED_COMPANY, company_id, clock.localdate(created_at)),
            created_at,
        )
    for pk, event_id, found_on, major_since in opinions:
        offer(
            pk,
            StandingFact.PUBLIC_OPINION.value,
            Source(SourceKind.OPINION_EVENT, event_id, found_on),
            major_since,
        )
    crime = StandingFact.SUSPECTED_CRIME.value
    for pk, determination_id, determined_on, result, saved_at in determinations:
        if result != DeterminationResult.ILLEGAL_FUNDRAISING:
            continue
        source = Source(SourceKind.DETERMINATION, determination_id, determined_on, result)
        offer(pk, crime, source, saved_at)
        offer(pk, ILLEGAL_FUNDRAISING, source, saved_at, resolved_as=crime)
    return found


def determinations_from_rows(wanted, determinations) -> dict[int, tuple[Source, ...]]:
    """``{institution id: (Source, ...)}``: every determination of the institutions in
    ``wanted``, whatever its result, the latest first (from the last rows of
    ``standing_reads``)."""
    listed: dict[int, list[Source]] = {}
    for pk, determination_id, determined_on, result, _saved_at in determinations:
        if pk in wanted:
            listed.setdefault(pk, []).append(
                Source(SourceKind.DETERMINATION, determination_id, determined_on, result)
            )
    return {
        pk: tuple(sorted(sources, key=lambda source: source.sort_key, reverse=True))
        for pk, sources in listed.items()
    }


def standing_findings(institution_ids: Iterable[int]) -> dict[int, dict[str, Source]]:
    """The standing findings of a few institutions (one round trip)."""
    ids = set(institution_ids)
    if not ids:
        return {}
    rows = fetch_together(*standing_reads({"institution_id__in": sorted(ids)}))
    return standing_from_rows(ids, *rows)


@dataclass
class FindingRow:
    """One standing finding as the institution page shows it."""

    fact: str
    label: str
    source: Source


def finding_rows(standing: dict[str, Source]) -> list[FindingRow]:
    """An institution's standing findings (``standing_findings``), in the order of
    ``StandingFact``, for its page."""
    return [
        FindingRow(fact.value, fact.label, standing[fact.value])
        for fact in StandingFact
        if fact.value in standing
    ]
