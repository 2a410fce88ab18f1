"""ID numbers in dispute (issue 19, finding 1): two person records carrying one ID number.

A unit that types an ID number already carried by a person outside its subtree under another
name is not told so (no oracle): a new record is kept beside the other one, marked
``id_number_disputed``. This is what the county section reads about those numbers: its own
persons whose number another record also carries, each group with the records it sees in
full, and, for a record outside its subtree, only the projection the shared-persons page
already shows of another unit's links (the recording township and county, the date) — no
name, no institution, no link.

A group is shown to a unit that sees every record of it, or that holds the number first
(another unit typed its person's number under another name). A unit whose records were all
entered second while the first holder lies outside it is not shown the group: that would
answer whether a number it typed exists elsewhere. The unit above that sees both lists it.
A constant number of queries, whatever the number of groups.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count

from accounts.models import OrgUnit, path_ids

from ..models import Person, PersonRole

MAX_GROUPS = 500


@dataclass
class Elsewhere:
    """A record outside the reader's subtree: where it was recorded and when, nothing more."""

    unit: str
    recorded_on: object
    disputed: bool


@dataclass
class DisputedNumber:
    id_number: str
    records: list = field(default_factory=list)  # Person rows the reader sees, with .seen_roles
    elsewhere: list = field(default_factory=list)  # Elsewhere projections
    resolver: OrgUnit | None = None  # the lowest unit that sees every record

    @property
    def resolved_here(self) -> bool:
        return not self.elsewhere


def disputed_numbers(user) -> list[DisputedNumber]:
    """The ID numbers of persons the user sees that another person record also carries, the
    records grouped by number (the number's first record first)."""
    if not user.is_authenticated or (user.unit_id is None and not user.is_superuser):
        return []
    mine = Person.objects.visible_to(user).exclude(id_number="")
    numbers = (
        Person.objects.filter(id_number__in=mine.values("id_number"))
        .values("id_number")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .order_by("id_number")
        .values("id_number")[:MAX_GROUPS]
    )
    carriers = list(
        Person.objects.filter(id_number__in=numbers)
        .select_related("unit__parent")
        .order_by("id_number", "pk")
    )
    if not carriers:
        return []
    seen = set(mine.filter(pk__in=[person.pk for person in carriers]).values_list("pk", flat=True))
    roles: dict[int, list] = {}
    for role in (
        PersonRole.objects.visible_to(user)
        .filter(person_id__in=seen)
        .select_related("institution")
        .order_by("person_id", "kind", "pk")
    ):
        roles.setdefault(role.person_id, []).append(role)
    groups: dict[str, DisputedNumber] = {}
    paths: dict[str, list[str]] = {}
    own_path = user.unit.path if user.unit_id else ""
    for person in carriers:
        group = groups.setdefault(person.id_number, DisputedNumber(person.id_number))
        paths.setdefault(person.id_number, [own_path] if own_path else []).append(person.scope_path)
        if person.pk in seen:
            person.seen_roles = roles.get(person.pk, [])
            group.records.append(person)
        else:
            township = person.unit
            county = township.parent if township is not None else None
            group.elsewhere.append(
                Elsewhere(
                    unit="".join(
                        filter(None, (getattr(county, "name", ""), getattr(township, "name", "")))
                    ),
                    recorded_on=person.created_at.date() if person.created_at else None,
                    disputed=person.id_number_disputed,
                )
            )
    resolvers = {number: _common_unit_id(group_paths) for number, group_paths in paths.items()}
    units = OrgUnit.objects.in_bulk([pk for pk in resolvers.values() if pk is not None])
    result = []
    for number, group in groups.items():
        if not group.records:
            continue
        if group.elsewhere and all(person.id_number_disputed for person in group.records):
            # The reader's records were entered second, the first holder is outside: saying
            # so would tell whoever typed the number that it exists elsewhere (an oracle).
            # It is listed for the unit that sees both.
            continue
        group.resolver = units.get(resolvers[number])
        result.append(group)
    return result


def _common_unit_id(paths: list[str]) -> int | None:
    """The lowest unit whose subtree holds every one of ``paths``."""
    common = None
    for ids in zip(*(path_ids(p) for p in paths if p), strict=False):
        if len(set(ids)) != 1:
            break
        common = ids[0]
    return common
