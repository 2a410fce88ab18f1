"""Writes of the rating: computing proposals, the review, the county's levels, thresholds.

区县方案 二(二)二: 对摸排发现的问题隐患进行综合评估，逐一研究确定 … 建立"红橙黄绿"风险管控名单.
The engine proposes; township staff submit their township's proposals; the county section
approves or returns them with a reason, and may raise a level, or lower one with a written
reason. Each function checks the user's role and unit, owns its transaction and
names the user in the history.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from accounts.models import Role
from core.concurrency import EditConflict
from core.db import fetch_values, id_array
from institutions.models import Institution
from screening.services import visits as visit_services

from .engine import LEVELS, Thresholds, evaluate_plain, level_rank
from .facts import build_facts
from .levels import Level, rank
from .models import (
    PENDING_STATES,
    Assessment,
    ChangeKind,
    LevelChange,
    RatingState,
    ReviewState,
    ThresholdVersion,
    result_digest,
)
from .querysets import in_force
from .signals import rating_approved, ratings_approved, thresholds_saved

REASON_LENGTH = 100  # simple-history's history_change_reason column


# --- who may do what ------------------------------------------------------------------------


def can_submit(user) -> bool:
    """Township staff submit their township's proposals (区县方案: 各区镇、街道 … 逐一研究确定)."""
    return user.is_superuser or user.role == Role.TOWNSHIP_STAFF


def can_decide(user) -> bool:
    """The county section approves, returns, raises and lowers."""
    return bool(user.can_review)


def _in_scope(user, assessment: Assessment) -> bool:
    if user.is_superuser:
        return True
    return user.unit is not None and assessment.scope_path.startswith(user.unit.path)


def _require(allowed: bool, user, assessment: Assessment, message: str):
    if not allowed:
        raise PermissionDenied(message)
    if not _in_scope(user, assessment):
        raise PermissionDenied(_("This record is outside your unit."))


def _save(obj, user, reason: str = ""):
    obj._history_user = user
    if reason:
        obj._change_reason = str(reason)[:REASON_LENGTH]
    obj.save()
    return obj


# --- computing ------------------------------------------------------------------------------


@dataclass
class Rating:
    """What the engine says about one institution now (nothing stored)."""

    institution_id: int
    level: str
    hits: list[dict]
    compliance: list[dict]
    version: ThresholdVersion | None

    @property
    def digest(self) -> str:
        """What the stored proposal's digest is when it holds this result."""
        return result_digest(
            self.level, self.hits, self.version.pk if self.version else None, self.compliance
        )


@dataclass
class RateResult:
    created: list[Assessment] = field(default_factory=list)
    unchanged: int = 0
    levels: Counter = field(default_factory=Counter)

    @property
    def rated(self) -> int:
        return sum(self.levels.values())


@dataclass(slots=True)
class RegistryRow:
    """What rating needs of an institution (a model instance per row cost a second a night
    at province size)."""

    pk: int
    registration_status: str
    beds: int | None
    scope_path: str
    township_id: int


def _rows(institutions) -> list:
    """The institutions as rows with what rating needs (one query unless rows are given)."""
    if isinstance(institutions, Institution):
        return [institutions]
    if not hasattr(institutions, "query"):
        items = list(institutions)
        if all(isinstance(item, Institution | RegistryRow) for item in items):
            return items
        institutions = Institution.objects.filter(pk__in=[getattr(i, "pk", i) for i in items])
    fields = ("pk", "registration_status", "beds", "scope_path", "township_id")
    rows = institutions.select_related(None).prefetch_related(None).order_by()
    return [RegistryRow(*values) for values in fetch_values(rows.values_list(*fields))]


def compute(institutions, today: date | None = None, thresholds: Thresholds | None = None):
    """``{id: Rating}``: facts builder plus engine for every institution given.

    Each institution is rated with the thresholds in force for its unit (the latest
    version of its county, or of the nearest ancestor), unless ``thresholds`` are given
    (the thresholds page's preview). A constant number of queries per threshold version.
    """
    rows = _rows(institutions)
    groups: dict[int | None, list[Institution]] = defaultdict(list)
    versions: dict[int | None, ThresholdVersion | None] = {None: None}
    if thresholds is None:
        latest = ThresholdVersion.objects.latest_by_unit()
        by_path: dict[str, ThresholdVersion | None] = {}  # a township's institutions share one
        for row in rows:
            path = row.scope_path
            if path not in by_path:
                by_path[path] = in_force(latest, path)
            version = by_path[path]
            key = version.pk if version else None
            versions[key] = version
            groups[key].append(row)
    else:
        groups[None] = rows
    result = {}
    for key, members in groups.items():
        version = versions.get(key)
        in_use = thresholds or (version.thresholds if version else Thresholds())
        for pk, facts in build_facts(members, in_use, today).items():
            level, hits, checks = evaluate_plain(facts, in_use)
            result[pk] = Rating(pk, level, hits, checks, version)
    return result


@dataclass(slots=True)
class _Latest:
    """An institution's latest proposal, as much of it as comparing needs: its digest, not
    its JSON (at province size decoding fifty thousand proposals cost more than rating)."""

    pk: int
    digest: str
    state: str

    @property
    def is_pending(self) -> bool:
        return self.state in PENDING_STATES


@dataclass(slots=True)
class _Stored:
    """The compared values of a stored proposal whose digest differs from the new rating's."""

    level: str
    hits: list
    compliance: list
    threshold_version_id: int | None


def _same_result(assessment, rating: Rating) -> bool:
    return (
        assessment.level == rating.level
        and assessment.hits == rating.hits
        and assessment.threshold_version_id == (rating.version.pk if rating.version else None)
    )


def _latest_proposals(institution_ids) -> dict[int, tuple[int, int, str, str]]:
    """Lock the institutions' rating rows and read their latest proposals: ``{institution
    id: (institution id, proposal id, digest, state)}``."""
    rows = (
        RatingState.objects.select_for_update(of=("self",))
        .filter(institution_id__in=id_array(institution_ids), proposal__isnull=False)
        .values_list("institution_id", "proposal_id", "proposal__digest", "proposal__state")
    )
    return {row[0]: row for row in fetch_values(rows)}


def _stored_results(assessment_ids) -> dict[int, _Stored]:
    """The compared values of the proposals given (those whose digest did not match)."""
    if not assessment_ids:
        return {}
    rows = Assessment.objects.filter(pk__in=assessment_ids).values_list(
        "pk", "level", "hits", "compliance", "threshold_version_id"
    )
    return {row[0]: _Stored(*row[1:]) for row in rows}


def rate(
    institutions, user=None, today: date | None = None, now: datetime | None = None
) -> RateResult:
    """Re-rate institutions; store a new proposal only where the result changed.

    Idempotent: rating twice with the same data creates nothing the second time. A new
    proposal supersedes a proposal still waiting for review; the approved (current)
    rating stays until the county approves the new one. Changes of the compliance checks
    alone (no change of level, rules fired or thresholds) update the latest assessment.

    A proposal whose digest equals the new rating's is unchanged; the others are compared
    value by value as before (a digest that is missing or out of date only costs that
    comparison, and is then brought up to date).
    """
    now = now or timezone.now()
    rows = {row.pk: row for row in _rows(institutions)}
    ratings = compute(list(rows.values()), today=today)
    result = RateResult()
    with transaction.atomic():
        proposals = _latest_proposals(list(ratings))
        differing = []
        for pk, rating in ratings.items():
            result.levels[rating.level] += 1
            row = proposals.get(pk)
            if row is not None and row[2] == rating.digest:
                result.unchanged += 1
            else:
                differing.append(pk)
        latest_of = {pk: _Latest(*proposals[pk][1:]) for pk in differing if pk in proposals}
        stored = _stored_results([proposal.pk for proposal in latest_of.values()])
        new, to_supersede, to_refresh, to_redigest = [], [], {}, []
        for pk in differing:
            rating, latest = ratings[pk], latest_of.get(pk)
            if latest is not None and _same_result(stored[latest.pk], rating):
                if stored[latest.pk].compliance != rating.compliance:
                    to_refresh[latest.pk] = rating.compliance
                else:
                    to_redigest.append(latest.pk)
                result.unchanged += 1
                continue
            if latest is not None and latest.is_pending:
                to_supersede.append(latest.pk)
            new.append(
                Assessment(
                    institution_id=pk,
                    scope_path=rows[pk].scope_path,
                    level=rating.level,
                    hits=rating.hits,
                    compliance=rating.compliance,
                    threshold_version=rating.version,
                    digest=rating.digest,
                    computed_at=now,
                    created_by=user,
                )
            )
        # Whole rows only for what is written (the history copies every field).
        full = Assessment.objects.in_bulk([*to_supersede, *to_refresh, *to_redigest])
        superseded = [full[pk] for pk in to_supersede]
        _carry_returns_over(superseded, new)
        for assessment in superseded:
            assessment.state = ReviewState.SUPERSEDED
        refreshed = [full[pk] for pk in to_refresh]
        for assessment in refreshed:
            assessment.compliance = to_refresh[assessment.pk]
            assessment.digest = assessment.result_digest()
        redigested = [full[pk] for pk in to_redigest]
        for assessment in redigested:
            assessment.digest = assessment.result_digest()
        reason = _("Superseded by a newer rating")
        if superseded:
            bulk_update_with_history(
                superseded,
                Assessment,
                ["state"],
                default_user=user,
                default_change_reason=reason,
                default_date=now,
            )
        if refreshed:
            bulk_update_with_history(
                refreshed,
                Assessment,
                ["compliance", "digest"],
                default_user=user,
                default_change_reason=_("Compliance checks recomputed"),
                default_date=now,
            )
        if redigested:
            # Nothing a user sees changed: the digest is not part of the history.
            Assessment.objects.bulk_update(redigested, ["digest"])
        if new:
            created = bulk_create_with_history(
                new,
                Assessment,
                default_user=user,
                default_change_reason=_("Computed"),
                default_date=now,
            )
            result.created = created
            _point_states(created)
    return result


def _carry_returns_over(superseded: list[Assessment], new: list[Assessment]) -> None:
    """A proposal the county returned stays returned when a newer rating replaces it: the
    township must still answer the reason (it sees it until it resubmits), so the new
    proposal carries the return, with who returned it, when and why."""
    returned = {a.institution_id: a for a in superseded if a.state == ReviewState.RETURNED}
    for assessment in new:
        previous = returned.get(assessment.institution_id)
        if previous is not None:
            assessment.state = ReviewState.RETURNED
            assessment.return_reason = previous.return_reason
            assessment.reviewed_by_id = previous.reviewed_by_id
            assessment.reviewed_at = previous.reviewed_at


def _point_states(created: list[Assessment]) -> None:
    states = {
        state.institution_id: state
        for state in RatingState.objects.select_related("current").filter(
            institution_id__in=[assessment.institution_id for assessment in created]
        )
    }
    to_create, to_update = [], []
    for assessment in created:
        state = states.get(assessment.institution_id)
        if state is None:
            state = RatingState(institution_id=assessment.institution_id)
            to_create.append(state)
        else:
            to_update.append(state)
        state.proposal = assessment
        state.proposal_codes = RatingState.codes_of(assessment)
        state.refresh_levels()
    RatingState.objects.bulk_create(to_create)
    RatingState.objects.bulk_update(
        to_update, ["proposal", "proposal_codes", "approved_level", "list_level", "list_rank"]
    )


# --- the review -----------------------------------------------------------------------------


def _latest_for_update(assessment: Assessment) -> tuple[Assessment, RatingState]:
    """Lock the institution's rating; refuse to act on anything but its latest proposal."""
    state = (
        RatingState.objects.select_for_update()
        .filter(institution_id=assessment.institution_id)
        .first()
    )
    if state is None or state.proposal_id != assessment.pk:
        raise ValidationError(
            _("A newer rating of this institution exists; act on the latest one.")
        )
    fresh = Assessment.objects.select_for_update().get(pk=assessment.pk)
    state.proposal = fresh
    return fresh, state


SUBMITTABLE = (ReviewState.PROPOSED, ReviewState.RETURNED)


def _mark_submitted(assessment: Assessment, user, now: datetime) -> None:
    if assessment.state not in SUBMITTABLE:
        raise ValidationError(_("Only a proposed or returned rating can be submitted."))
    assessment.state = ReviewState.SUBMITTED
    assessment.submitted_by = user
    assessment.submitted_at = now


def _mark_approved(assessment: Assessment, user, now: datetime) -> None:
    if assessment.state != ReviewState.SUBMITTED:
        raise ValidationError(_("Only a submitted rating can be approved."))
    assessment.state = ReviewState.APPROVED
    assessment.reviewed_by = user
    assessment.reviewed_at = now
    assessment.return_reason = ""


@transaction.atomic
def submit(*, user, assessment: Assessment, now: datetime | None = None) -> Assessment:
    """Township staff send a proposal to the county section."""
    _require(
        can_submit(user), user, assessment, _("Only township staff submit ratings for review.")
    )
    assessment, _state = _latest_for_update(assessment)
    _mark_submitted(assessment, user, now or timezone.now())
    return _save(assessment, user, _("Submitted"))


def _set_approved(
    state: RatingState,
    assessment: Assessment,
    *,
    user,
    kind: str,
    reason: str,
    now: datetime,
) -> None:
    previous = state.approved_level
    state.current = assessment
    state.refresh_levels()
    state.save(update_fields=["current", "approved_level", "list_level", "list_rank"])
    visit_services.mark_reviewed([assessment.institution_id], now)
    LevelChange.objects.create(
        institution_id=assessment.institution_id,
        assessment=assessment,
        level=assessment.shown_level,
        previous_level=previous,
        kind=kind,
        reason=reason,
        changed_at=now,
        changed_by=user,
    )
    rating_approved.send(
        sender=Assessment,
        institution=assessment.institution,
        level=assessment.shown_level,
        assessment=assessment,
        user=user,
        changed_at=now,
    )


@transaction.atomic
def approve(*, user, assessment: Assessment, now: datetime | None = None) -> Assessment:
    """The county section approves a submitted proposal: it becomes the current rating."""
    _require(can_decide(user), user, assessment, _("Only the county section approves ratings."))
    assessment, state = _latest_for_update(assessment)
    now = now or timezone.now()
    _mark_approved(assessment, user, now)
    _save(assessment, user, _("Approved"))
    _set_approved(state, assessment, user=user, kind=ChangeKind.APPROVED, reason="", now=now)
    return assessment


# --- the review of many at once ---------------------------------------------------------------

BULK_CHUNK = 2000


@dataclass(frozen=True)
class Approval:
    """One approved level, as ``ratings_approved`` announces it."""

    institution_id: int
    assessment_id: int
    level: str


def _latest_rows_for_update(user, ids: list[int]) -> tuple[list[Assessment], dict]:
    """Lock the proposals and their institutions' rating rows; refuse the whole batch when
    one of them is outside the user's unit or no longer the institution's latest proposal."""
    rows = list(Assessment.objects.select_for_update().filter(pk__in=id_array(ids)))
    states = {
        state.institution_id: state
        for state in RatingState.objects.select_for_update().filter(
            institution_id__in=id_array([row.institution_id for row in rows])
        )
    }
    if len(rows) != len(set(ids)):
        raise ValidationError(_("Some of these ratings do not exist."))
    for row in rows:
        if not _in_scope(user, row):
            raise PermissionDenied(_("This record is outside your unit."))
        state = states.get(row.institution_id)
        if state is None or state.proposal_id != row.pk:
            raise ValidationError(
                _("A newer rating of this institution exists; act on the latest one.")
            )
    return rows, states


def _write_batch(rows: list[Assessment], user, reason: str, now: datetime, **values) -> None:
    """Every row of a batch takes the same ``values``: one UPDATE, and the history rows from
    the rows as they now are (the same rows ``bulk_update_with_history`` would write, without
    its per-row CASE expressions)."""
    Assessment.objects.filter(pk__in=id_array([row.pk for row in rows])).update(**values)
    Assessment.history.bulk_history_create(
        rows, update=True, default_user=user, default_change_reason=reason, default_date=now
    )


def _chunks(assessments) -> list[list[int]]:
    ids = [getattr(item, "pk", item) for item in assessments]
    return [ids[start : start + BULK_CHUNK] for start in range(0, len(ids), BULK_CHUNK)]


@transaction.atomic
def submit_many(*, user, assessments, now: datetime | None = None) -> int:
    """``submit`` for many proposals at once (the same rules, all or none), a constant number
    of queries per two thousand: what an import or a generator of test data needs."""
    if not can_submit(user):
        raise PermissionDenied(_("Only township staff submit ratings for review."))
    now = now or timezone.now()
    count = 0
    for ids in _chunks(assessments):
        rows, _states = _latest_rows_for_update(user, ids)
        for row in rows:
            _mark_submitted(row, user, now)
        _write_batch(
            rows,
            user,
            _("Submitted"),
            now,
            state=ReviewState.SUBMITTED,
            submitted_by=user,
            submitted_at=now,
        )
        count += len(rows)
    return count


@transaction.atomic
def approve_many(*, user, assessments, now: datetime | None = None) -> list[Approval]:
    """``approve`` for many submitted proposals at once (the same rules, all or none): each
    becomes its institution's current rating, its level change is kept, and
    ``ratings_approved`` announces them together, so disposal applies the levels in bulk."""
    if not can_decide(user):
        raise PermissionDenied(_("Only the county section approves ratings."))
    now = now or timezone.now()
    approvals: list[Approval] = []
    for ids in _chunks(assessments):
        rows, states = _latest_rows_for_update(user, ids)
        changes = []
        by_level: dict[str, list[int]] = {}
        for row in rows:
            _mark_approved(row, user, now)
            state = states[row.institution_id]
            previous = state.approved_level
            state.current = row
            state.refresh_levels()
            by_level.setdefault(state.approved_level, []).append(row.institution_id)
            changes.append(
                LevelChange(
                    institution_id=row.institution_id,
                    assessment=row,
                    level=row.shown_level,
                    previous_level=previous,
                    kind=ChangeKind.APPROVED,
                    changed_at=now,
                    changed_by=user,
                )
            )
            approvals.append(Approval(row.institution_id, row.pk, row.shown_level))
        _write_batch(
            rows,
            user,
            _("Approved"),
            now,
            state=ReviewState.APPROVED,
            reviewed_by=user,
            reviewed_at=now,
            return_reason="",
        )
        # The approved proposal becomes the current rating: the rows of one level alike.
        for level, institution_ids in by_level.items():
            RatingState.objects.filter(institution_id__in=id_array(institution_ids)).update(
                current_id=F("proposal_id"),
                approved_level=level,
                list_level=level,
                list_rank=rank(level),
            )
        LevelChange.objects.bulk_create(changes)
        visit_services.mark_reviewed([row.institution_id for row in rows], now)
    if approvals:
        ratings_approved.send(sender=Assessment, approvals=approvals, user=user, changed_at=now)
    return approvals


@transaction.atomic
def return_for_revision(
    *, user, assessment: Assessment, reason: str, now: datetime | None = None
) -> Assessment:
    """The county section sends a submitted proposal back, saying why."""
    _require(can_decide(user), user, assessment, _("Only the county section returns ratings."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the rating is returned.")})
    assessment, _state = _latest_for_update(assessment)
    if assessment.state != ReviewState.SUBMITTED:
        raise ValidationError(_("Only a submitted rating can be returned."))
    assessment.state = ReviewState.RETURNED
    assessment.reviewed_by = user
    assessment.reviewed_at = now or timezone.now()
    assessment.return_reason = reason
    visit_services.mark_reviewed([assessment.institution_id], assessment.reviewed_at)
    return _save(assessment, user, _("Returned: %(reason)s") % {"reason": reason})


def _set_level(
    *, user, assessment: Assessment, level: str, reason: str, now: datetime | None, raising: bool
) -> Assessment:
    if level not in LEVELS:
        raise ValidationError({"level": _("Choose a level.")})
    reason = (reason or "").strip()
    assessment, state = _latest_for_update(assessment)
    if assessment.state == ReviewState.SUPERSEDED:
        raise ValidationError(_("A newer rating of this institution exists."))
    # Relative to what the county has approved; a first decision is relative to the engine.
    base = state.approved_level or assessment.shown_level
    if raising and level_rank(level) <= level_rank(base):
        raise ValidationError({"level": _("Choose a level above the present one.")})
    if not raising:
        if level_rank(level) >= level_rank(base):
            raise ValidationError({"level": _("Choose a level below the present one.")})
        if not reason:
            raise ValidationError({"reason": _("A written reason is required to lower a level.")})
    now = now or timezone.now()
    assessment.override_level = "" if level == assessment.level else level
    assessment.override_reason = reason
    assessment.overridden_by = user
    assessment.overridden_at = now
    if assessment.state != ReviewState.APPROVED:
        assessment.state = ReviewState.APPROVED
        assessment.reviewed_by = user
        assessment.reviewed_at = now
        assessment.return_reason = ""
    label = Level(level).label
    if raising:
        history_reason = _("Raised to %(level)s") % {"level": label}
    else:
        history_reason = _("Lowered to %(level)s: %(reason)s") % {"level": label, "reason": reason}
    _save(assessment, user, history_reason)
    _set_approved(
        state,
        assessment,
        user=user,
        kind=ChangeKind.RAISED if raising else ChangeKind.LOWERED,
        reason=reason,
        now=now,
    )
    return assessment


@transaction.atomic
def raise_level(
    *, user, assessment: Assessment, level: str, reason: str = "", now: datetime | None = None
) -> Assessment:
    """The county sets a higher level than the present one; the rating is approved at it."""
    _require(can_decide(user), user, assessment, _("Only the county section raises a level."))
    return _set_level(
        user=user, assessment=assessment, level=level, reason=reason, now=now, raising=True
    )


@transaction.atomic
def lower_level(
    *, user, assessment: Assessment, level: str, reason: str, now: datetime | None = None
) -> Assessment:
    """The county sets a lower level, only with a written reason (逐一研究确定: the reason is
    kept with the level change)."""
    _require(can_decide(user), user, assessment, _("Only the county section lowers a level."))
    return _set_level(
        user=user, assessment=assessment, level=level, reason=reason, now=now, raising=False
    )


# --- thresholds -----------------------------------------------------------------------------


def thresholds_in_force(unit) -> ThresholdVersion | None:
    """The latest version of ``unit`` or of its nearest ancestor; None: the defaults."""
    if unit is None:
        return None
    return ThresholdVersion.objects.in_force_for_path(unit.path)


@transaction.atomic
def own_version_number(unit) -> int:
    """The number of the unit's latest own threshold version (0: none yet)."""
    return (
        ThresholdVersion.objects.filter(unit=unit)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
        or 0
    )


def save_thresholds(
    *, user, thresholds: Thresholds, note: str = "", based_on: int | None = None
) -> ThresholdVersion:
    """A new version of the user's unit's thresholds; everything below it is re-rated on
    commit (Celery). ``based_on``: the unit's version the writer opened (the page always
    passes it); another saved since is refused, naming it."""
    if not user.can_review:
        raise PermissionDenied(_("Only the county section changes the thresholds."))
    if user.unit is None:
        raise PermissionDenied(_("Your account has no unit."))
    unit = user.unit
    last = (
        ThresholdVersion.objects.select_for_update()
        .filter(unit=unit)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    if based_on is not None and based_on != (last or 0):
        latest = ThresholdVersion.objects.select_related("created_by").get(unit=unit, number=last)
        raise EditConflict(
            _(
                "%(who)s saved version %(n)s of the thresholds at %(when)s, after you opened "
                "this page. Yours were not saved and theirs were not overwritten: open the "
                "page again and make your changes to their version."
            )
            % {
                "who": latest.created_by or _("Someone"),
                "n": last,
                "when": timezone.localtime(latest.created_at).strftime("%Y-%m-%d %H:%M"),
            },
            code="edit_conflict",
        )
    version = ThresholdVersion.objects.create(
        unit=unit,
        number=(last or 0) + 1,
        values=thresholds.to_dict(),
        note=note.strip(),
        created_by=user,
    )
    thresholds_saved.send(sender=ThresholdVersion, version=version)
    return version
