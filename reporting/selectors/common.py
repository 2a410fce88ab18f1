"""Pieces shared by the per-row and per-township selectors of the attachment tables.

Everything here is an expression for a larger query (an annotation, a ``Q``) or one
streamed query whose result is small per row, so that a table of 50,000 rows costs the same
number of queries as a table of three.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db.models import (
    BooleanField,
    Count,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.db.models.lookups import GreaterThan
from django.utils.translation import gettext_lazy as _

from core import clock
from core.asof import as_of_q, recorded_by
from disposal.levels import ActionType
from disposal.models import (
    ActionStatus,
    DisposalAction,
    Outcome,
    Transfer,
    ZeroingEntry,
)
from disposal.querysets import OPEN_STATUSES
from risklists.levels import LIST_LEVELS, Level
from screening.models import PrepaymentRecord
from screening.selectors.refunds import prepayments_then

ZERO = Decimal("0")
ONE_DAY = timedelta(days=1)
MONEY = DecimalField(max_digits=16, decimal_places=2)
TEN_THOUSAND = Decimal("10000")
CHUNK_SIZE = 2000  # rows fetched at a time when a table streams its rows

# Dates from … to (both included); None: no limit.
Window = tuple[date | None, date | None]
NO_WINDOW: Window = (None, None)


def in_window(field_name: str, window: Window) -> Q:
    since, until = window
    q = Q()
    if since is not None:
        q &= Q(**{f"{field_name}__gte": since})
    if until is not None:
        q &= Q(**{f"{field_name}__lte": until})
    return q


def level_label(level: str) -> str:
    return str(Level(level).label) if level else ""


def level_labels() -> dict[str, str]:
    """The levels' names in the active language (looked up once per table, not per row)."""
    return {"": "", None: "", **{value: str(label) for value, label in Level.choices}}


def join(parts, separator="；") -> str:
    return separator.join(filter(None, parts))


# --- prepayments (derived from the records, never typed) -------------------------------------


def prepayment_annotations(cutoff: datetime | None = None, outer: str = "pk") -> dict:
    """An institution's outstanding prepayments and the number of payers who have some.

    The same figures as ``risklists.figures.derived_figures`` (``prepayment_total``,
    ``prepayment_payers``): every kind counts, what is outstanding is the amount less what
    was refunded, and a payer counts when something of theirs is outstanding. As
    correlated subqueries, so a list of any length is one query. At ``cutoff``: the records
    as they stood then (``prepayments_then``: entered and paid by then, amounts and refunds
    as the records then read).
    """
    records = PrepaymentRecord.objects.filter(institution_id=OuterRef(outer)).order_by()
    amount, refunded = F("amount"), F("refunded_amount")
    if cutoff is not None:
        records = prepayments_then(records, cutoff)
        amount, refunded = F("amount_then"), F("refunded_then")
    outstanding = ExpressionWrapper(amount - refunded, output_field=MONEY)
    total = records.values("institution").annotate(total=Sum(outstanding)).values("total")[:1]
    payers = (
        records.filter(GreaterThan(amount, refunded))
        .values("institution")
        .annotate(n=Count("payer_key", distinct=True))
        .values("n")[:1]
    )
    return {
        "prepayment_total": Coalesce(Subquery(total, output_field=MONEY), Value(ZERO)),
        "prepayment_payers": Coalesce(Subquery(payers), Value(0)),
    }


# --- disposal: what counts as a result --------------------------------------------------------
#
# The results below are tests of an institution ("has an action carried out", "was
# transferred") that the tables count per township (附件6) or print per row (附件4). They
# are written as ``pk IN (ids)``: an uncorrelated subquery that the database runs once and
# hashes. A correlated ``EXISTS`` says the same, but inside an aggregate's FILTER or a
# SELECT list PostgreSQL costs it as one probe per institution, and at province size
# that estimate crossed its JIT thresholds: compiling a query took longer than running it.
# ``viewer`` bounds each subquery to the records that user sees (their ``scope_path``
# follows the institution's), so a township's figures read that township's records only.


def _ids(records, viewer=None):
    """The institution ids of ``records``, for ``pk__in``."""
    if viewer is not None:
        records = records.visible_to(viewer)
    return records.order_by().values("institution_id")


def actions_at(cutoff: datetime | None = None):
    """Disposal actions entered by ``cutoff`` (None: every one); their state then is asked
    with ``done_q``, ``open_q`` and ``not_applicable_q``."""
    return DisposalAction.objects.filter(recorded_by(cutoff))


def _action_q(q: Q, cutoff: datetime | None) -> Q:
    return as_of_q(DisposalAction, q, cutoff)


def done_q(cutoff: datetime | None = None, window: Window = NO_WINDOW) -> Q:
    """Carried out at ``cutoff``, completed within ``window``: done then, and completed on
    or before its day (a row written without history keeps its live status: its date says
    when)."""
    q = Q(status=ActionStatus.DONE) & in_window("completed_on", window)
    if cutoff is not None:
        q &= Q(completed_on__isnull=True) | Q(completed_on__lte=clock.localdate(cutoff))
    return _action_q(q, cutoff)


def open_q(cutoff: datetime | None = None) -> Q:
    """Still open at ``cutoff``: open then, or done only after its day."""
    q = Q(status__in=OPEN_STATUSES)
    if cutoff is not None:
        q |= Q(status=ActionStatus.DONE, completed_on__gt=clock.localdate(cutoff))
    return _action_q(q, cutoff)


def not_applicable_q(cutoff: datetime | None = None) -> Q:
    return _action_q(Q(status=ActionStatus.NOT_APPLICABLE), cutoff)


def list_level_actions(cutoff: datetime | None = None):
    """Disposal actions required by a red, orange or yellow level (not routine supervision,
    which green requires and which never ends)."""
    return DisposalAction.objects.filter(
        recorded_by(cutoff), institution=OuterRef("pk"), level__in=LIST_LEVELS
    )


def under_disposal_q(cutoff: datetime | None = None) -> Q:
    """On the 红橙黄 list's disposal at ``cutoff`` or earlier in the campaign: has a
    list-level action. (For WHERE, where the database plans it as a join.)"""
    return Q(Exists(list_level_actions(cutoff)))


def zeroing_at(cutoff: datetime | None = None, outcomes=(), window: Window = NO_WINDOW):
    """The 清零 ledger's entries at ``cutoff`` whose outcome then was one of ``outcomes``,
    reached within ``window``."""
    entries = ZeroingEntry.objects.filter(recorded_by(cutoff))
    q = Q(outcome__in=outcomes) & in_window("outcome_on", window)
    return entries.filter(as_of_q(ZeroingEntry, q, cutoff))


def rectified_q(window: Window = NO_WINDOW, viewer=None, cutoff: datetime | None = None) -> Q:
    """整改完成: every list-level action is closed and at least one was carried out, the last
    one within ``window``; or a venue crossed off as registered (督促登记) within it."""
    until = window[1]
    actions = actions_at(cutoff).filter(level__in=LIST_LEVELS)
    q = Q(pk__in=_ids(actions.filter(done_q(cutoff, window)), viewer)) & ~Q(
        pk__in=_ids(actions.filter(open_q(cutoff)), viewer)
    )
    if until is not None:
        q &= ~Q(pk__in=_ids(actions.filter(done_q(cutoff, (until + ONE_DAY, None))), viewer))
    registered = zeroing_at(cutoff, (Outcome.REGISTERED,), window)
    return q | Q(pk__in=_ids(registered, viewer))


def closed_q(window: Window = NO_WINDOW, viewer=None, cutoff: datetime | None = None) -> Q:
    """取缔关停: a venue crossed off as closed down or banned, or operations stopped
    (停止经营活动 carried out), within ``window``."""
    stopped = (
        actions_at(cutoff)
        .filter(action_type=ActionType.STOP_OPERATIONS)
        .filter(done_q(cutoff, window))
    )
    ledger = zeroing_at(cutoff, (Outcome.CLOSED, Outcome.BANNED), window)
    return Q(pk__in=_ids(ledger, viewer)) | Q(pk__in=_ids(stopped, viewer))


def transfers_at(cutoff: datetime | None = None):
    return Transfer.objects.filter(recorded_by(cutoff))


def transferred_q(viewer=None, cutoff: datetime | None = None) -> Q:
    """移交: handed over to the police, market regulation or the registration authority (by
    ``cutoff``; 附件4 prints where each institution stands, so no week's window)."""
    return Q(pk__in=_ids(transfers_at(cutoff), viewer))


def case_filed_q(viewer=None, cutoff: datetime | None = None) -> Q:
    """立案: the receiving authority opened a case on a transfer (by ``cutoff``)."""
    transfers = transfers_at(cutoff).filter(
        as_of_q(Transfer, Q(case_filed_on__isnull=False), cutoff)
    )
    return Q(pk__in=_ids(transfers, viewer))


class DisposalResult:
    """The result column of 附件4 (整改完成/取缔关停/移交/立案), the furthest one reached."""

    CASE_FILED = "case_filed"
    TRANSFERRED = "transferred"
    CLOSED = "closed"
    RECTIFIED = "rectified"
    IN_PROGRESS = "in_progress"
    LABELS = {
        CASE_FILED: _("Result: case filed"),
        TRANSFERRED: _("Result: transferred"),
        CLOSED: _("Result: closed down or banned"),
        RECTIFIED: _("Result: rectification completed"),
        IN_PROGRESS: _("Result: being handled"),
    }


# --- disposal actions per institution ---------------------------------------------------------


@dataclass(slots=True)
class ActionSummary:
    """An institution's list-level measures, as the tables print them (small: kept per row)."""

    types: list[str] = field(default_factory=list)
    units: list[str] = field(default_factory=list)
    persons: list[str] = field(default_factory=list)
    deadline: date | None = None
    total: int = 0
    done: int = 0
    # (type, done, unit, person, deadline) of each action, for ``of_types``.
    actions: list[tuple] = field(default_factory=list)

    @property
    def open(self) -> int:
        return self.total - self.done

    def add(self, kind, done: bool, unit, person, deadline) -> None:
        self.actions.append((kind, done, unit, person, deadline))
        self.types.append(kind)
        if unit and unit not in self.units:
            self.units.append(unit)
        if person and person not in self.persons:
            self.persons.append(person)
        if self.deadline is None or (deadline is not None and deadline > self.deadline):
            self.deadline = deadline
        self.total += 1
        self.done += done

    def of_types(self, types) -> ActionSummary:
        """The measures among ``types`` only (those a level requires): this summary itself
        when they all are, as they nearly always are."""
        if all(kind in types for kind in self.types):
            return self
        kept = ActionSummary()
        for kind, done, unit, person, deadline in self.actions:
            if kind in types:
                kept.add(kind, done, unit, person, deadline)
        kept.types.sort(key=_in_plan_order)
        return kept


# The plans' order of the measures (区县方案 四级分类处置), for printing them in that order.
ACTION_ORDER = {value: i for i, value in enumerate(ActionType.values)}


def _in_plan_order(kind: str) -> int:
    return ACTION_ORDER.get(kind, len(ACTION_ORDER))


def _person(username, last_name, first_name, name) -> str:
    if username is not None:
        # As ``accounts.User.__str__`` says it.
        return f"{last_name or ''}{first_name or ''}".strip() or username
    return name or ""


def action_summaries(
    user, institutions=None, cutoff: datetime | None = None
) -> dict[int, ActionSummary]:
    """``{institution id: ActionSummary}`` for the list-level actions of ``institutions`` (a
    queryset; every institution the user sees when None) as they stood at ``cutoff``, not
    counting those set aside as not applicable. One streamed query; a pack computes it once
    for 附件3 and 附件4."""
    summaries: dict[int, ActionSummary] = {}
    actions = actions_at(cutoff).visible_to(user).filter(level__in=LIST_LEVELS)
    if institutions is not None:
        actions = actions.filter(institution__in=institutions.values("pk"))
    rows = (
        actions.exclude(not_applicable_q(cutoff))
        .annotate(is_done=ExpressionWrapper(done_q(cutoff), output_field=BooleanField()))
        .order_by("institution_id", "deadline", "pk")
        .values_list(
            "institution_id",
            "action_type",
            "is_done",
            "deadline",
            "responsible_unit__name",
            "responsible_user__username",
            "responsible_user__last_name",
            "responsible_user__first_name",
            "responsible_name",
        )
    )
    for pk, kind, done, deadline, unit, username, last, first, name in rows.iterator(
        chunk_size=CHUNK_SIZE
    ):
        summary = summaries.get(pk)
        if summary is None:
            summary = summaries[pk] = ActionSummary()
        person = _person(username, last, first, name)
        # ``add``, written out: a province has a hundred thousand actions.
        summary.actions.append((kind, done, unit, person, deadline))
        summary.types.append(kind)
        if unit and unit not in summary.units:
            summary.units.append(unit)
        if person and person not in summary.persons:
            summary.persons.append(person)
        if summary.deadline is None or deadline > summary.deadline:
            summary.deadline = deadline
        summary.total += 1
        summary.done += bool(done)
    for summary in summaries.values():
        summary.types.sort(key=_in_plan_order)
    return summaries


def action_labels() -> dict[str, str]:
    """The measures' names in the active language (looked up once per table)."""
    return {value: str(label) for value, label in ActionType.choices}


def ten_thousand(amount) -> Decimal:
    """Yuan to 万元, the unit of the results table."""
    return (Decimal(amount or 0) / TEN_THOUSAND).quantize(Decimal("0.0001"))


UNREGISTERED_SHORT = _("Not registered")
