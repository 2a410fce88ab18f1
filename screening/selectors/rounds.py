"""Where each township stands against the county's round windows.

衡山县 §一.二 第五: 各乡镇要在2022年1月20日前，扎实完成本轮摸底排查; §三: 全面摸排阶段(1月20日前),
暗访督查阶段(1月15日-25日). District §二(二)一: "回头看"…确保5月底前完成复查工作.

A round covers every active institution and venue of the township (全面摸排: 做到检查全覆盖;
回头看: 复查). An institution is covered by a SUBMITTED visit of that round dated on or after the
round's start: a visit made after the deadline still covers it (late), so what is overdue is
what nobody has visited yet. 暗访督查 (covert inspection) visits a sample, not the whole registry
(衡山县 §三.三: 突击检查、随机检查): its institutions visited are counted, with nothing "to cover".
Every figure comes from one query for the windows and one grouped query for the counts,
whatever the number of townships.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Count, Q

from accounts.models import path_ids
from accounts.selectors import visible_townships
from core import clock
from institutions.models import Institution

from ..models import CampaignRound, ScreeningRound, ScreeningVisit, VisitStatus
from .four_looks import campaign_start, of_townships

KINDS: tuple[str, ...] = tuple(ScreeningRound.values)


class RoundState:
    UPCOMING = "upcoming"  # the window has not started
    OPEN = "open"  # in the window, something left to cover
    OVERDUE = "overdue"  # past the deadline, something left to cover
    DONE = "done"  # nothing left to cover
    CLOSED = "closed"  # past the deadline, nothing counted (no scope)


def windows_for_paths(user, paths) -> dict[str, dict[str, CampaignRound]]:
    """``{path: {kind: round}}``: the windows in force for each unit path, one query.

    The nearest unit on the path that has set a round decides (a county overrides its city).
    """
    paths = list(dict.fromkeys(paths))
    ids = {pk for path in paths for pk in path_ids(path)}
    by_unit: dict[int, dict[str, CampaignRound]] = defaultdict(dict)
    if ids:
        windows = CampaignRound.objects.visible_to(user).filter(unit_id__in=ids)
        for window in windows.select_related("unit").order_by():
            by_unit[window.unit_id][window.kind] = window
    found = {}
    for path in paths:
        windows: dict[str, CampaignRound] = {}
        for pk in path_ids(path):
            windows.update(by_unit.get(pk, {}))
        found[path] = windows
    return found


def windows_at(user, paths, cutoff: datetime | None = None) -> dict[str, dict[str, object]]:
    """``windows_for_paths`` as the windows stood at ``cutoff`` (None: now), from their
    history: a deadline moved after a pack's cut-off is not that pack's. One query."""
    if cutoff is None:
        return windows_for_paths(user, paths)
    paths = list(dict.fromkeys(paths))
    ids = {pk for path in paths for pk in path_ids(path)}
    by_unit: dict[int, dict[str, object]] = defaultdict(dict)
    if ids:
        records = CampaignRound.history.filter(unit_id__in=ids, history_date__lte=cutoff).order_by(
            "history_date", "history_id"
        )
        for record in records:
            if record.history_type == "-":
                by_unit[record.unit_id].pop(record.kind, None)
            else:
                by_unit[record.unit_id][record.kind] = record
    found = {}
    for path in paths:
        windows: dict[str, object] = {}
        for pk in path_ids(path):
            windows.update(by_unit.get(pk, {}))
        found[path] = windows
    return found


def user_windows(user) -> dict[str, CampaignRound]:
    """The windows in force for the user's own unit (a township: its county's)."""
    if user.unit_id is None:
        return {}
    return windows_for_paths(user, [user.unit.path])[user.unit.path]


def own_windows(user) -> dict[str, CampaignRound]:
    """The windows the user's own unit has set (not those it follows), for the form that
    changes them."""
    if user.unit_id is None:
        return {}
    rows = CampaignRound.objects.visible_to(user).filter(unit_id=user.unit_id).order_by()
    return {window.kind: window for window in rows}


def review_start(user, today: date | None = None, windows=None) -> date:
    """The "四看" review's campaign start: the first round's start once it has begun (the plans'
    campaign is the round of 全面摸排), else ``four_looks.campaign_start`` (1 January).

    ``windows``: the user's windows when the caller has them already (``RoundsReview.own``).
    """
    today = today or clock.today()
    if windows is None:
        windows = user_windows(user)
    first = windows.get(ScreeningRound.FIRST)
    if first is not None and first.starts_on <= today:
        return first.starts_on
    return campaign_start(today)


@dataclass
class RoundProgress:
    window: CampaignRound
    today: date
    scope: int | None = None  # institutions the round must cover; None: not counted
    covered: int = 0
    # False when every township has the same window: the page shows its dates once.
    own_window: bool = True

    @property
    def kind(self) -> str:
        return self.window.kind

    @property
    def to_cover(self) -> int | None:
        if self.scope is None:
            return None
        return max(self.scope - self.covered, 0)

    @property
    def days_left(self) -> int:
        """Days from today to the deadline (0 on the deadline itself)."""
        return (self.window.ends_on - self.today).days

    @property
    def days_to_start(self) -> int:
        return (self.window.starts_on - self.today).days

    @property
    def days_overdue(self) -> int:
        return max((self.today - self.window.ends_on).days, 0)

    @property
    def state(self) -> str:
        if self.scope is not None and self.to_cover == 0 and self.today >= self.window.starts_on:
            return RoundState.DONE
        if self.today < self.window.starts_on:
            return RoundState.UPCOMING
        if self.today > self.window.ends_on:
            return RoundState.OVERDUE if self.scope is not None else RoundState.CLOSED
        return RoundState.OPEN


@dataclass
class TownshipRounds:
    township: object
    rounds: dict[str, RoundProgress] = field(default_factory=dict)
    # One cell per column of the review (``RoundsReview.kinds``); None where no window.
    cells: list[RoundProgress | None] = field(default_factory=list)


@dataclass
class RoundTotal:
    kind: str
    windows: set = field(default_factory=set)
    scope: int = 0
    covered: int = 0
    counted: bool = False
    overdue_townships: int = 0

    today: date | None = None

    @property
    def to_cover(self) -> int | None:
        return self.scope - self.covered if self.counted else None

    @property
    def window(self) -> CampaignRound | None:
        """The window, when every township has the same one (a county's page)."""
        return next(iter(self.windows)) if len(self.windows) == 1 else None

    @property
    def progress(self) -> RoundProgress | None:
        """The total as one round's progress (state, days left), when the window is shared."""
        window = self.window
        if window is None:
            return None
        return RoundProgress(
            window=window,
            today=self.today,
            scope=self.scope if self.counted else None,
            covered=self.covered,
            own_window=False,
        )

    @property
    def label(self):
        return ScreeningRound(self.kind).label


@dataclass
class RoundsReview:
    today: date
    kinds: list[str] = field(default_factory=list)
    rows: list[TownshipRounds] = field(default_factory=list)
    totals: dict[str, RoundTotal] = field(default_factory=dict)
    own: dict[str, CampaignRound] = field(default_factory=dict)  # of the user's unit

    @property
    def columns(self) -> list[RoundTotal]:
        return [self.totals[kind] for kind in self.kinds]

    def __bool__(self):
        return bool(self.kinds)


def _visits(user):
    return ScreeningVisit.objects.visible_to(user).filter(status=VisitStatus.SUBMITTED)


def _counts(user, rows, chosen, starts: set[tuple[str, date]]) -> dict[int, dict]:
    """Per township: active institutions (``n``) and, per (kind, start), those covered."""
    if not starts:
        return {}
    keys = {key: f"w{index}" for index, key in enumerate(sorted(starts))}
    visits = _visits(user)
    covered = {
        name: Count(
            "pk",
            filter=Q(
                pk__in=visits.filter(round=kind, visited_on__gte=start)
                .order_by()
                .values("institution_id")
            ),
        )
        for (kind, start), name in keys.items()
    }
    groups = (
        of_townships(Institution.objects.visible_to(user).active(), rows, chosen)
        .values("township_id")
        .annotate(n=Count("pk"), **covered)
        .order_by()
    )
    found = {}
    for figures in groups:
        found[figures["township_id"]] = {
            "n": figures["n"],
            **{key: figures[name] for key, name in keys.items()},
        }
    return found


# Rounds whose scope is the whole registry of the township.
REGISTRY_KINDS = (ScreeningRound.FIRST, ScreeningRound.LOOK_BACK)


def round_progress(user, townships=None, today: date | None = None) -> RoundsReview:
    """Per visible township, each round in force: what is left to cover and the days left."""
    today = today or clock.today()
    chosen = townships is not None
    if not chosen:
        townships = visible_townships(user)
    townships = list(townships)
    review = RoundsReview(today=today)
    own_path = user.unit.path if user.unit_id else None
    windows = windows_for_paths(
        user, [t.path for t in townships] + ([own_path] if own_path else [])
    )
    review.own = windows.get(own_path, {}) if own_path else {}
    rows = {t.pk: TownshipRounds(t) for t in townships}
    starts = {
        (kind, window.starts_on)
        for township in townships
        for kind, window in windows[township.path].items()
    }
    counts = _counts(user, rows, chosen, starts)
    present = set()
    for township in townships:
        row = rows[township.pk]
        figures = counts.get(township.pk, {})
        for kind, window in windows[township.path].items():
            progress = RoundProgress(window=window, today=today)
            progress.covered = figures.get((kind, window.starts_on), 0)
            if kind in REGISTRY_KINDS:
                progress.scope = figures.get("n", 0)
            row.rounds[kind] = progress
            present.add(kind)
        review.rows.append(row)
    review.kinds = [kind for kind in KINDS if kind in present]
    for kind in review.kinds:
        total = RoundTotal(kind, today=today)
        for row in review.rows:
            progress = row.rounds.get(kind)
            if progress is None:
                continue
            total.windows.add(progress.window)
            if progress.scope is not None:
                total.counted = True
                total.scope += progress.scope
                total.covered += min(progress.covered, progress.scope)
            else:
                total.covered += progress.covered
            if progress.state == RoundState.OVERDUE:
                total.overdue_townships += 1
        review.totals[kind] = total
    for row in review.rows:
        row.cells = [row.rounds.get(kind) for kind in review.kinds]
        for kind, progress in row.rounds.items():
            progress.own_window = review.totals[kind].window is None
    return review


@dataclass
class WindowChange:
    """One line of the windows' history: who set, changed or cleared which round, when."""

    record: object  # the historical row
    before: tuple[date, date] | None

    @property
    def after(self) -> tuple[date, date] | None:
        if self.record.history_type == "-":
            return None
        return (self.record.starts_on, self.record.ends_on)

    @property
    def label(self):
        return ScreeningRound(self.record.kind).label


def window_history(user, limit: int = 50) -> list[WindowChange]:
    """The changes of the windows in force for the user's unit (its own and its ancestors'),
    newest first, each with the dates before; one query."""
    if user.unit_id is None:
        return []
    ids = path_ids(user.unit.path)
    records = (
        CampaignRound.history.filter(unit_id__in=ids)
        .select_related("history_user", "unit")
        .order_by("history_date", "history_id")
    )
    last: dict[tuple[int, str], tuple[date, date] | None] = {}
    changes = []
    for record in records:
        key = (record.unit_id, record.kind)
        change = WindowChange(record, last.get(key))
        last[key] = change.after
        changes.append(change)
    return changes[::-1][:limit]
