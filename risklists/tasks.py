"""Celery tasks of the rating. They take primary keys and are idempotent: rating twice with
the same data stores nothing new (``services.rate``), so a retry or a duplicate is harmless.

- ``rate_institution``: after a change to an institution or to a record behind its facts
  (queued on commit by ``signals``).
- ``rate_person_institutions``: after a suit, blacklist entry or complaint about a person.
- ``rate_unit``: after a new threshold version, everything below the unit.
- ``rate_all``: nightly at 02:00 Asia/Shanghai (a django-celery-beat ``PeriodicTask``
  created by migration ``risklists.0002_nightly_rating``; edit its schedule in the admin).
"""

from __future__ import annotations

import contextlib
import gc
import time
from collections import Counter
from datetime import date

from celery import shared_task

from institutions.models import Institution

from . import services

CHUNK = 10000  # a chunk of the nightly rating: ~150 MB at most, 18 queries per chunk


@contextlib.contextmanager
def cyclic_gc_paused():
    """Pause Python's cyclic garbage collector for a batch (reference counting still frees
    everything the rating lets go of: its rows, facts and results hold no cycles).

    Each chunk allocates about a million small dicts and lists that live until the chunk
    is stored; the collector kept walking them: 1.2 s of the 3.1 s of CPU the nightly
    rating took at province size, with the same peak memory without it.
    """
    paused = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()


def rate_in_chunks(queryset, today: date | None = None, chunk: int = CHUNK) -> dict:
    """Rate a queryset of institutions ``chunk`` at a time; counts per level and time taken."""
    with cyclic_gc_paused():
        return _rate_in_chunks(queryset, today, chunk)


def _rate_in_chunks(queryset, today: date | None, chunk: int) -> dict:
    started = time.monotonic()
    levels: Counter = Counter()
    created = 0
    ids = list(queryset.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), chunk):
        part = ids[start : start + chunk]
        # The chunk as a range of the same queryset: read in index order, no list of ids.
        members = queryset.filter(pk__gte=part[0], pk__lte=part[-1])
        result = services.rate(members, today=today)
        levels.update(result.levels)
        created += len(result.created)
    return {
        "rated": len(ids),
        "created": created,
        "levels": dict(levels),
        "seconds": round(time.monotonic() - started, 2),
    }


@shared_task(name="risklists.rate_institution", acks_late=True)
def rate_institution(institution_id: int) -> int:
    """Re-rate one institution; the number of new proposals stored (0 or 1)."""
    queryset = Institution.objects.filter(pk=institution_id)
    if not queryset.exists():
        return 0
    return len(services.rate(queryset).created)


@shared_task(name="risklists.rate_person_institutions", acks_late=True)
def rate_person_institutions(person_id: int) -> int:
    """Re-rate every institution where the person holds a current role."""
    from screening.models import PersonRole

    queryset = Institution.objects.filter(
        pk__in=PersonRole.objects.filter(person_id=person_id, ended_on__isnull=True).values(
            "institution_id"
        )
    )
    return len(services.rate(queryset).created)


@shared_task(name="risklists.rate_unit", acks_late=True)
def rate_unit(unit_id: int) -> dict:
    from accounts.models import OrgUnit

    unit = OrgUnit.objects.filter(pk=unit_id).first()
    if unit is None:
        return {}
    return rate_in_chunks(Institution.objects.active().filter(scope_path__startswith=unit.path))


@shared_task(name="risklists.rate_all", acks_late=True)
def rate_all(today: str | None = None) -> dict:
    """Nightly: re-rate every institution on the registry (archived ones are left alone)."""
    day = date.fromisoformat(today) if today else None
    return rate_in_chunks(Institution.objects.active(), today=day)
