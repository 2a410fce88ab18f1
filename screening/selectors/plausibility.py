"""Visits the "四看" review flags for follow-up (issue 15, item 6): recorded in less form time
than the county finds plausible, or on a phone far from the institution's known position.

One query for the settings in force and one for the candidate visits: the database keeps
the visits whose form time is short or whose position differs from the institution's by
more than a box around it (a cheap, index-free comparison of degrees that never misses a
far one); the exact great-circle distance is then computed for those few in Python.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import DurationField, ExpressionWrapper, F, Q
from django.db.models.functions import Abs, Length

from accounts.models import path_ids

from ..models import ScreeningVisit, VisitPlausibility, VisitStatus
from ..models.plausibility import DEFAULT_MAX_DISTANCE_KM, DEFAULT_MIN_MINUTES

EARTH_RADIUS_KM = 6371.0088
KM_PER_DEGREE = 111.32


@dataclass(frozen=True)
class Thresholds:
    min_minutes: int = DEFAULT_MIN_MINUTES
    max_distance_km: Decimal = DEFAULT_MAX_DISTANCE_KM


@dataclass
class Flagged:
    visit: ScreeningVisit
    minutes: float | None
    distance_km: float | None
    short: bool
    far: bool


def thresholds_for(user) -> Thresholds:
    """The settings in force for the user's unit: the nearest unit on its path that set
    them, else 5 minutes and 2 km."""
    if not user.is_authenticated or user.unit_id is None:
        return Thresholds()
    nearest = (
        VisitPlausibility.objects.visible_to(user)
        .filter(unit_id__in=path_ids(user.unit.path))
        .order_by(Length("unit__path").desc())
        .first()
    )
    if nearest is None:
        return Thresholds()
    return Thresholds(nearest.min_minutes, nearest.max_distance_km)


def distance_km(lat1, lon1, lat2, lon2) -> float:
    """Great-circle distance (haversine) between two positions in degrees."""
    p1, p2 = math.radians(float(lat1)), math.radians(float(lat2))
    dp, dl = p2 - p1, math.radians(float(lon2) - float(lon1))
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(a))


def form_minutes(visit) -> float | None:
    if visit.form_opened_at is None or visit.form_completed_at is None:
        return None
    return (visit.form_completed_at - visit.form_opened_at).total_seconds() / 60


def flagged_visits(user, since: date, township=None, thresholds: Thresholds | None = None):
    """Submitted visits dated on or after ``since`` that are implausibly short or far, oldest
    institution name first; each with its form time and distance."""
    thresholds = thresholds or thresholds_for(user)
    short_q = Q(form_time__lt=timedelta(minutes=thresholds.min_minutes))
    # A point more than d km away differs by more than d / √2 km in latitude or in
    # (cos-shrunk, hence even more in degrees) longitude.
    box = float(thresholds.max_distance_km) / math.sqrt(2) / KM_PER_DEGREE
    positioned = Q(
        latitude__isnull=False,
        longitude__isnull=False,
        institution__latitude__isnull=False,
        institution__longitude__isnull=False,
    )
    far_q = positioned & (Q(lat_gap__gt=box) | Q(lng_gap__gt=box))
    visits = (
        ScreeningVisit.objects.visible_to(user)
        .filter(status=VisitStatus.SUBMITTED, visited_on__gte=since)
        .annotate(
            form_time=ExpressionWrapper(
                F("form_completed_at") - F("form_opened_at"), output_field=DurationField()
            ),
            lat_gap=Abs(F("latitude") - F("institution__latitude")),
            lng_gap=Abs(F("longitude") - F("institution__longitude")),
        )
        .filter(short_q | far_q)
        .select_related("institution", "institution__township", "staff")
        .order_by("-visited_on", "-pk")
    )
    if township:
        visits = visits.filter(institution__township_id=township)
    flagged = []
    for visit in visits:
        minutes = form_minutes(visit)
        distance = None
        institution = visit.institution
        if visit.latitude is not None and institution.latitude is not None:
            distance = distance_km(
                visit.latitude, visit.longitude, institution.latitude, institution.longitude
            )
        short = minutes is not None and minutes < thresholds.min_minutes
        far = distance is not None and distance > float(thresholds.max_distance_km)
        if short or far:
            flagged.append(Flagged(visit, minutes, distance, short, far))
    return flagged
