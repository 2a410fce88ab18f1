"""附件5 publicity statistics per township (区县方案 "三进", "四见", "三必须"; 衡山县方案
走进公园、走进广场等老年人聚集的场所)."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date, datetime

from django.db.models import (
    Count,
    Exists,
    OuterRef,
    Q,
    Sum,
)

from accounts.models import OrgUnit
from accounts.selectors import visible_townships
from core import clock
from core.asof import recorded_by, value_as_of
from institutions.models import Institution
from screening.selectors.four_looks import TownshipAt, of_townships, submitted_visits

from ..choices import PlaceType
from ..models import PublicityActivity

# --- 附件5 publicity -------------------------------------------------------------------------


@dataclass
class PublicityFigures:
    township: OrgUnit | None
    activities: int = 0
    in_villages: int = 0
    in_communities: int = 0
    in_institutions: int = 0
    in_gathering_places: int = 0
    posters: int = 0
    banners: int = 0
    leaflets: int = 0
    videos: int = 0
    participants: int = 0
    institutions: int = 0
    three_musts_complete: int = 0
    # Each of the three, counted apart: institutions whose latest visit found it.
    poster_displayed: int = 0
    notice_to_every_resident: int = 0
    commitment_letter_signed: int = 0
    # 要向每一位住养老人或家属发放防范养老服务诈骗告知书 (issue 20): the elders housed, the
    # notices handed out and the signed receipts (回执) their latest visit recorded.
    residents_housed: int = 0
    notices_handed_out: int = 0
    receipts_collected: int = 0

    # The three items of "三必须" (the visit's fields, in the plan's order).
    ITEMS = ("poster_displayed", "notice_to_every_resident", "commitment_letter_signed")

    SUMMED = (
        "activities",
        "in_villages",
        "in_communities",
        "in_institutions",
        "in_gathering_places",
        "posters",
        "banners",
        "leaflets",
        "videos",
        "participants",
        "institutions",
        "three_musts_complete",
        "poster_displayed",
        "notice_to_every_resident",
        "commitment_letter_signed",
        "residents_housed",
        "notices_handed_out",
        "receipts_collected",
    )
    # The 告知书 counts, in the order that bounds them: receipts ≤ notices ≤ residents.
    NOTICE_COUNTS = ("residents_housed", "notices_handed_out", "receipts_collected")

    def as_dict(self) -> dict[str, int]:
        return {name: getattr(self, name) for name in self.SUMMED}

    @classmethod
    def from_dict(cls, township, values: dict) -> PublicityFigures:
        known = {f.name for f in fields(cls)}
        return cls(township, **{k: int(v) for k, v in values.items() if k in known})


@dataclass
class PublicityTable:
    date_from: date
    date_to: date
    rows: list[PublicityFigures] = field(default_factory=list)
    total: PublicityFigures = field(default_factory=lambda: PublicityFigures(None))


THREE_MUSTS_ITEMS = PublicityFigures.ITEMS


def three_musts_complete_ids(
    date_to: date, viewer, cutoff: datetime | None = None, items=THREE_MUSTS_ITEMS
):
    """Ids of the institutions whose latest submitted visit up to ``date_to`` found all of
    "三必须" (or all of ``items``: one of them, for its own count), for ``pk__in``: such a
    visit that no later one follows, among those ``viewer`` sees.

    A join, for a count over a province: a subquery looking up each institution's latest
    visit was estimated at 50,000 lookups, just under PostgreSQL's threshold for optimising
    the query's JIT code (0.7 s). Written as a join, the database reads the visits once.
    """
    complete = latest_visits(date_to, cutoff).filter(**dict.fromkeys(items, True))
    return complete.visible_to(viewer).order_by().values("institution_id")


def latest_visits(date_to: date, cutoff: datetime | None = None):
    """Each institution's latest visit submitted at ``cutoff`` and dated by ``date_to``: a
    submitted visit that no later one follows (a join, see ``three_musts_complete_ids``)."""
    submitted = submitted_visits(cutoff).filter(visited_on__lte=date_to)
    later = submitted.filter(institution=OuterRef("institution")).filter(
        Q(visited_on__gt=OuterRef("visited_on"))
        | Q(visited_on=OuterRef("visited_on"), pk__gt=OuterRef("pk"))
    )
    return submitted.exclude(Exists(later))


ACTIVITY_FIGURES = ("posters", "banners", "leaflets", "videos", "participants")


def activities_at(cutoff: datetime | None = None):
    """Publicity activities as they stood at ``cutoff`` (None: now): entered by then, with
    their date, place and counts then (``held_then``, ``place_then``, ``<figure>_then``)."""
    activities = PublicityActivity.objects.filter(recorded_by(cutoff))
    return activities.alias(
        held_then=value_as_of(PublicityActivity, "held_on", cutoff),
        place_then=value_as_of(PublicityActivity, "place_type", cutoff),
        **{
            f"{name}_then": value_as_of(PublicityActivity, name, cutoff)
            for name in ACTIVITY_FIGURES
        },
    )


def publicity_table(
    user, date_from: date, date_to: date, townships=None, cutoff: datetime | None = None
) -> PublicityTable:
    """附件5 figures per township for the activities held from ``date_from`` to ``date_to``,
    as they stood at ``cutoff`` (None: now)."""
    chosen = townships is not None
    if not chosen:
        townships = visible_townships(user)
    if cutoff is not None:
        date_to = min(date_to, clock.localdate(cutoff))
    rows = {t.pk: PublicityFigures(t) for t in townships}
    table = PublicityTable(date_from, date_to, rows=list(rows.values()))

    activities = (
        of_townships(activities_at(cutoff).visible_to(user), rows, chosen)
        .filter(held_then__gte=date_from, held_then__lte=date_to)
        .values("township_id")
        .annotate(
            activities=Count("pk"),
            in_villages=Count("pk", filter=Q(place_then=PlaceType.VILLAGE)),
            in_communities=Count("pk", filter=Q(place_then=PlaceType.COMMUNITY)),
            in_institutions=Count("pk", filter=Q(place_then=PlaceType.INSTITUTION)),
            in_gathering_places=Count("pk", filter=Q(place_then=PlaceType.GATHERING_PLACE)),
            **{name: Sum(f"{name}_then") for name in ACTIVITY_FIGURES},
        )
        .order_by()
    )
    for figures in activities:
        row = rows.get(figures.pop("township_id"))
        if row is None:
            continue
        for name, value in figures.items():
            setattr(row, name, value or 0)

    # The institutions, and their visits' 告知书 counts, each in the township it belonged to
    # at the cut-off (the activities are the township's own).
    at = TownshipAt(cutoff)
    institutions, key = at.group(Institution.objects.visible_to(user).as_of(cutoff), rows, chosen)
    institutions = (
        institutions.values(key)
        .annotate(
            institutions=Count("pk"),
            three_musts_complete=Count(
                "pk",
                filter=Q(pk__in=three_musts_complete_ids(date_to, viewer=user, cutoff=cutoff)),
            ),
            **{
                item: Count(
                    "pk",
                    filter=Q(
                        pk__in=three_musts_complete_ids(
                            date_to, viewer=user, cutoff=cutoff, items=(item,)
                        )
                    ),
                )
                for item in PublicityFigures.ITEMS
            },
        )
        .order_by()
    )
    for figures in institutions:
        row = rows.get(figures[key])
        if row is None:
            continue
        for name in ("institutions", "three_musts_complete", *PublicityFigures.ITEMS):
            setattr(row, name, figures[name])

    # The 告知书 counts of each institution's latest visit, per township: one grouped query.
    # Only visits that counted both the elders and the notices: the notices are then
    # checked against the elders (ScreeningVisit.clean), so receipts ≤ notices ≤ elders
    # holds for every row (reconcile: NOTICES_BOUNDED).
    on_registry = Institution.objects.visible_to(user).as_of(cutoff).values("pk")
    visits, key = at.group(
        latest_visits(date_to, cutoff).visible_to(user), rows, chosen, "institution_id"
    )
    notices = (
        visits.filter(
            institution_id__in=on_registry,
            residents_housed__isnull=False,
            notices_handed_out__isnull=False,
        )
        .values(key)
        .annotate(**{name: Sum(name) for name in PublicityFigures.NOTICE_COUNTS})
        .order_by()
    )
    for figures in notices:
        row = rows.get(figures[key])
        if row is None:
            continue
        for name in PublicityFigures.NOTICE_COUNTS:
            setattr(row, name, figures[name] or 0)

    for row in table.rows:
        for name in PublicityFigures.SUMMED:
            setattr(table.total, name, getattr(table.total, name) + getattr(row, name))
    return table
