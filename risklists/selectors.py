"""Reads of the rating that need thought: the list, the review queue, "changes since last
week", the threshold preview, an institution's panel and its derived figures, and what a
rating found for the disposal of its level. Each is a constant number of queries whatever
the number of institutions."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from core import clock
from core.db import fetch_shaped, id_array
from institutions.models import Institution
from screening.models import SpotCheckItem

from .engine import Findings, Thresholds, findings, level_rank
from .facts import facts_from
from .figures import DerivedFigures, derived_figures
from .levels import LIST_LEVELS, Level, rank_expression
from .models import Assessment, LevelChange, RatingState, ReviewState, ThresholdVersion
from .querysets import in_force
from .services import compute


def spot_checks_this_month(today: date | None = None):
    """How many spot-check draws of this calendar month (月调度) picked the institution: the
    count the list shows beside 增加抽查检查频次, for ``OuterRef("pk")``."""
    today = today or clock.today()
    first = today.replace(day=1)
    counted = (
        SpotCheckItem.objects.filter(institution=OuterRef("pk"), draw__created_at__date__gte=first)
        .order_by()
        .values("institution")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def risk_list(user):
    """Institutions on the red/orange/yellow list the user sees, red first, with the number
    of spot checks drawn for each this month.

    The level is the approved one, or the proposal's while nothing is approved yet.
    """
    return (
        Institution.objects.visible_to(user)
        .active()
        .filter(rating__list_level__in=LIST_LEVELS)
        .select_related("township", "rating__current", "rating__proposal")
        .annotate(spot_checks=spot_checks_this_month())
        .order_by("-rating__list_rank", "township__path", "name", "pk")
    )


def review_queue(user):
    """Proposals waiting for someone (never a superseded one), most serious first."""
    return (
        Assessment.objects.visible_to(user)
        .filter(
            state__in=(ReviewState.PROPOSED, ReviewState.SUBMITTED, ReviewState.RETURNED),
            institution__archived_at__isnull=True,
        )
        .select_related(
            "institution__township",
            "institution__rating",
            "submitted_by",
            "reviewed_by",
        )
        .annotate(rank=rank_expression())
        .order_by("-rank", "institution__township__path", "institution__name", "pk")
    )


def returned_proposals(user, limit: int = 20) -> list[Assessment]:
    """The proposals the county returned that wait for the user's township to answer, newest
    first, each with its reason (one query). A re-rating carries an open return over, so the
    reason stays until the township resubmits."""
    return list(
        Assessment.objects.visible_to(user)
        .filter(state=ReviewState.RETURNED, institution__archived_at__isnull=True)
        .select_related("institution", "institution__township", "reviewed_by")
        .order_by("-reviewed_at", "-pk")[:limit]
    )


# --- changes since last week ------------------------------------------------------------------


class Movement:
    NEW = "new"
    RAISED = "raised"
    LOWERED = "lowered"
    BACK_TO_GREEN = "back_to_green"
    ORDER = (NEW, RAISED, LOWERED, BACK_TO_GREEN)
    LABELS = {
        NEW: _("New on the list"),
        RAISED: _("Raised"),
        LOWERED: _("Lowered"),
        BACK_TO_GREEN: _("Back to green"),
    }


def movement(then: str | None, now: str | None) -> str | None:
    """How an approved level moved: new on the list, raised, lowered, back to green."""
    on_then = then in LIST_LEVELS
    on_now = now in LIST_LEVELS
    if not on_then and on_now:
        return Movement.NEW
    if on_then and now == Level.GREEN:
        return Movement.BACK_TO_GREEN
    if on_then and on_now and then != now:
        return Movement.RAISED if level_rank(now) > level_rank(then) else Movement.LOWERED
    return None


@dataclass
class ChangeRow:
    institution: Institution
    then: str | None
    now: str
    movement: str

    @property
    def label(self):
        return Movement.LABELS[self.movement]


@dataclass
class Changes:
    since: datetime
    until: datetime
    rows: list[ChangeRow] = field(default_factory=list)
    by_township: dict = field(default_factory=dict)  # township -> Counter of movements
    totals: Counter = field(default_factory=Counter)

    @property
    def summary(self) -> list[tuple[str, str, int]]:
        return [(m, Movement.LABELS[m], self.totals.get(m, 0)) for m in Movement.ORDER]

    @property
    def township_rows(self) -> list[tuple]:
        return [
            (township, [counts.get(m, 0) for m in Movement.ORDER])
            for township, counts in self.by_township.items()
        ]


def approved_level_at(moment: datetime):
    """A subquery: an institution's approved level at ``moment`` (None: never approved)."""
    return Subquery(
        LevelChange.objects.filter(institution=OuterRef("pk"), changed_at__lte=moment)
        .order_by("-changed_at", "-pk")
        .values("level")[:1]
    )


def levels_in_force(cutoff: datetime | None = None):
    """The ``LevelChange`` rows in force at ``cutoff``: each institution's latest change of
    approved level at or before it (the ledger is never edited, so a level approved later
    does not change what stood then). ``cutoff`` None: the latest of all."""
    changes = LevelChange.objects.all()
    if cutoff is not None:
        changes = changes.filter(changed_at__lte=cutoff)
    later = changes.filter(institution=OuterRef("institution")).filter(
        Q(changed_at__gt=OuterRef("changed_at"))
        | Q(changed_at=OuterRef("changed_at"), pk__gt=OuterRef("pk"))
    )
    return changes.exclude(Exists(later)).order_by()


def approved_q(levels, cutoff: datetime | None = None, outer: str = "pk") -> Q:
    """An institution (``outer`` its id in the query) whose approved level at ``cutoff`` is one
    of ``levels``. None: now, the rating state the services keep with the ledger."""
    levels = [levels] if isinstance(levels, str) else list(levels)
    if cutoff is None:
        prefix = "" if outer == "pk" else f"{outer.removesuffix('_id')}__"
        return Q(**{f"{prefix}rating__approved_level__in": levels})
    ids = levels_in_force(cutoff).filter(level__in=levels).values("institution_id")
    return Q(**{f"{outer}__in": ids})


def changes_since(user, since: datetime, until: datetime, township=None) -> Changes:
    """Each institution whose approved level at ``until`` differs from the one at ``since``."""
    moved = LevelChange.objects.filter(changed_at__gt=since, changed_at__lte=until).values(
        "institution_id"
    )
    queryset = (
        Institution.objects.visible_to(user)
        .filter(pk__in=moved)
        .select_related("township")
        .annotate(level_then=approved_level_at(since), level_now=approved_level_at(until))
        .order_by("township__path", "name", "pk")
    )
    if township is not None:
        queryset = queryset.filter(township=township)
    result = Changes(since=since, until=until)
    for institution in queryset:
        kind = movement(institution.level_then, institution.level_now)
        if kind is None:
            continue
        result.rows.append(
            ChangeRow(institution, institution.level_then, institution.level_now, kind)
        )
        result.by_township.setdefault(institution.township, Counter())[kind] += 1
        result.totals[kind] += 1
    result.rows.sort(key=lambda row: (Movement.ORDER.index(row.movement), -level_rank(row.now)))
    return result


# --- the threshold preview ----------------------------------------------------------------------


@dataclass
class PreviewRow:
    institution: Institution
    level_now: str
    level_new: str
    codes_now: list[str]
    codes_new: list[str]


@dataclass
class Preview:
    total: int = 0
    rows: list[PreviewRow] = field(default_factory=list)
    counts_now: Counter = field(default_factory=Counter)
    counts_new: Counter = field(default_factory=Counter)

    @property
    def changed(self) -> int:
        return len(self.rows)

    @property
    def raised(self) -> int:
        return sum(level_rank(r.level_new) > level_rank(r.level_now) for r in self.rows)

    @property
    def lowered(self) -> int:
        return sum(level_rank(r.level_new) < level_rank(r.level_now) for r in self.rows)


def threshold_preview(user, thresholds: Thresholds, today: date | None = None) -> Preview:
    """How many institutions, and which, would change level under ``thresholds``.

    Facts builder plus engine, twice (the thresholds in force, the new ones): nothing is
    written.
    """
    institutions = list(
        Institution.objects.visible_to(user).active().select_related("township").order_by()
    )
    now = compute(institutions, today=today)
    new = compute(institutions, today=today, thresholds=thresholds)
    preview = Preview(total=len(institutions))
    for institution in institutions:
        before, after = now[institution.pk], new[institution.pk]
        preview.counts_now[before.level] += 1
        preview.counts_new[after.level] += 1
        if before.level != after.level:
            preview.rows.append(
                PreviewRow(
                    institution,
                    before.level,
                    after.level,
                    [h["code"] for h in before.hits],
                    [h["code"] for h in after.hits],
                )
            )
    preview.rows.sort(
        key=lambda r: (-level_rank(r.level_new), r.institution.township.path, r.institution.name)
    )
    return preview


# --- an institution's panel ---------------------------------------------------------------------


HISTORY_LIMIT = 12


@dataclass
class Panel:
    state: RatingState | None
    history: list[Assessment]
    level_changes: list[LevelChange]
    # The thresholds version in force for the institution (None: the defaults), read in the
    # same statement for the figures panel (``institution_figures``).
    thresholds: ThresholdVersion | None = None

    @property
    def current(self) -> Assessment | None:
        return self.state.current if self.state else None

    @property
    def proposal(self) -> Assessment | None:
        return self.state.proposal if self.state else None


def institution_panel(institution) -> Panel:
    """The rating state, the latest assessments and level changes, in one statement. The
    current and the proposed assessment are nearly always among the latest: taken from
    them, and read apart only when they are older."""
    related = ("threshold_version", "submitted_by", "reviewed_by", "overridden_by")

    def build(pk):
        return [
            RatingState.objects.filter(institution=pk).order_by(),
            Assessment.objects.filter(institution=pk)
            .select_related(*related)
            .order_by("-computed_at", "-pk")[:HISTORY_LIMIT],
            LevelChange.objects.filter(institution=pk)
            .select_related("changed_by")
            .order_by("-changed_at", "-pk")[:HISTORY_LIMIT],
            _thresholds_versions(pk),
        ]

    states, history, changes, versions = fetch_shaped(
        ("risklists.institution_panel",), build, institution.pk
    )
    state = states[0] if states else None
    if state is not None:
        by_pk = {assessment.pk: assessment for assessment in history}
        older = {state.current_id, state.proposal_id} - set(by_pk) - {None}
        if older:
            by_pk.update(
                (assessment.pk, assessment)
                for assessment in Assessment.objects.filter(pk__in=older).select_related(*related)
            )
        for name in ("current", "proposal"):
            pk = getattr(state, f"{name}_id")
            RatingState._meta.get_field(name).set_cached_value(state, by_pk.get(pk))
    latest = {}
    for version in versions:
        latest.setdefault(version.unit_id, version)
    return Panel(
        state=state,
        history=history,
        level_changes=changes,
        thresholds=in_force(latest, institution.scope_path),
    )


def _thresholds_versions(pk):
    """Every thresholds version of the units the institution ``pk`` is under, the latest of
    each unit first: the one in force is the latest of the deepest unit that has one
    (``ThresholdVersionQuerySet.in_force_for_path``), read with the institution's id alone."""
    under = Institution.objects.filter(pk=pk, scope_path__startswith=OuterRef("unit__path"))
    return (
        ThresholdVersion.objects.select_related("unit")
        .filter(Exists(under))
        .order_by("unit_id", "-number")
    )


# --- what the rating found, and the figures behind it ------------------------------------------


@dataclass
class FiguresPanel:
    figures: DerivedFigures
    # The thresholds version the figures were counted with; None: the defaults.
    version: ThresholdVersion | None
    # 收取大额预付费 as the rating decides it (``Facts.large_prepayment``).
    large_prepayment: bool = False

    @property
    def records_disagree(self) -> bool:
        """The registry is typed 否 while the prepayment records show large prepayments."""
        figures = self.figures
        return figures.large_prepayment_total > 0 and not figures.large_prepayment_typed


# ``institution_figures`` without the version in force: it reads it.
UNREAD = object()


def institution_figures(institution, today: date | None = None, thresholds=UNREAD) -> FiguresPanel:
    """The figures derived from an institution's records, counted with the thresholds in
    force for its county, as the rating counts them: the page shows the same "large
    prepayment" verdict as the rating. ``thresholds``: the version in force when already
    read (``Panel.thresholds``)."""
    if thresholds is UNREAD:
        version = ThresholdVersion.objects.select_related("unit").in_force_for_path(
            institution.scope_path
        )
    else:
        version = thresholds
    values = version.thresholds if version else Thresholds()
    figures = derived_figures([institution.pk], thresholds=values, today=today or clock.today())[
        institution.pk
    ]
    facts = facts_from(institution.registration_status, institution.beds, figures)
    return FiguresPanel(figures=figures, version=version, large_prepayment=facts.large_prepayment)


def _findings_at(ids: list[int], cutoff: datetime):
    """(institution, approved hits, proposed hits) as they stood at ``cutoff``: the
    assessment of the approved level then, and the latest computed by then."""
    approved = dict(
        levels_in_force(cutoff)
        .filter(institution_id__in=id_array(ids))
        .values_list("institution_id", "assessment__hits")
    )
    latest = Assessment.objects.filter(institution_id__in=id_array(ids), computed_at__lte=cutoff)
    proposed = {}
    for pk, hits in latest.order_by("institution_id", "computed_at", "pk").values_list(
        "institution_id", "hits"
    ):
        proposed[pk] = hits
    return [
        (pk, approved.get(pk), proposed.get(pk)) for pk in ids if pk in approved or pk in proposed
    ]


def rating_findings(institutions, cutoff: datetime | None = None) -> dict[int, Findings]:
    """Per institution, what its rating found (large prepayment, illegal fundraising,
    suspected crime): the approved assessment's findings; while nothing is approved, the
    latest proposal's (what the list shows); for an institution never rated yet, the
    engine's rating now with the thresholds in force (nothing is stored). ``cutoff``: as
    they stood then (the approved level in force then, the latest rating computed by then).

    One query, plus the rating of those never rated.
    """
    if isinstance(institutions, QuerySet):
        ids = list(institutions.order_by().values_list("pk", flat=True))
    else:
        ids = [getattr(item, "pk", item) for item in institutions]
    result: dict[int, Findings] = {}
    if cutoff is not None:
        rows = _findings_at(ids, cutoff)
    else:
        rows = RatingState.objects.filter(institution_id__in=id_array(ids)).values_list(
            "institution_id", "current__hits", "proposal__hits"
        )
    for pk, current, proposal in rows:
        hits = current if current is not None else proposal
        if hits is not None:
            result[pk] = findings(hits)
    missing = [pk for pk in ids if pk not in result]
    if missing:
        for pk, rating in compute(missing).items():
            result[pk] = findings(rating.hits)
    return result
