"""When and where a visit happened (issue 15, item 6): form time by the phone's clock, the
server's receipt, the phone's position; the review's flags for visits implausibly short or
far from the institution, and the county's settings of both (frozen clock, fixed positions)."""

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from screening.models import ScreeningVisit, VisitPlausibility, VisitStatus
from screening.selectors.plausibility import distance_km, flagged_visits, thresholds_for
from tests.factories import InstitutionFactory
from tests.formdata import version_of_page
from tests.screening.factories import SubmittedVisitFactory

from .test_visits import create_url, visit_data

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 30, 10, 30, tzinfo=SHANGHAI)
SINCE = date(2026, 1, 1)
# 衡山县城 and points east of it along the same latitude.
HOME = (Decimal("27.230000"), Decimal("112.860000"))
NEAR = (Decimal("27.230000"), Decimal("112.870000"))  # about 0.99 km
FAR = (Decimal("27.230000"), Decimal("112.900000"))  # about 3.96 km


@pytest.fixture
def frozen(monkeypatch):
    monkeypatch.setattr("core.clock.now", lambda: NOW)
    return NOW


@pytest.fixture
def institution(township):
    return InstitutionFactory(
        township=township, name="开云镇康乐颐养院", latitude=HOME[0], longitude=HOME[1]
    )


def visit(institution, minutes=None, position=None, **extra):
    opened = NOW - timedelta(hours=1)
    return SubmittedVisitFactory(
        institution=institution,
        visited_on=date(2026, 11, 30),
        form_opened_at=opened if minutes is not None else None,
        form_completed_at=opened + timedelta(minutes=minutes) if minutes is not None else None,
        latitude=position[0] if position else None,
        longitude=position[1] if position else None,
        **extra,
    )


def test_the_form_records_form_time_position_and_server_receipt(
    client_for, township_user, institution, frozen
):
    client_for(township_user).post(
        create_url(institution),
        visit_data(
            township_user,
            form_opened_at="2026-11-30T01:10:00Z",
            form_completed_at="2026-11-30T01:32:30Z",
            latitude="27.230100",
            longitude="112.860200",
            position_accuracy="12",
        ),
    )

    saved = ScreeningVisit.objects.get()
    assert saved.received_at == NOW
    assert saved.form_completed_at - saved.form_opened_at == timedelta(minutes=22, seconds=30)
    assert (saved.latitude, saved.longitude) == (Decimal("27.230100"), Decimal("112.860200"))
    assert saved.position_accuracy == 12


def test_nothing_is_refused_for_lack_of_a_position(client_for, township_user, institution):
    response = client_for(township_user).post(create_url(institution), visit_data(township_user))

    assert response.status_code == 302
    saved = ScreeningVisit.objects.get()
    assert saved.latitude is None and saved.form_opened_at is None
    assert saved.received_at is not None


def test_distances_between_fixed_positions():
    assert distance_km(*HOME, *HOME) == 0
    assert 0.95 < distance_km(*HOME, *NEAR) < 1.0
    assert 3.9 < distance_km(*HOME, *FAR) < 4.0
    assert 2.2 < distance_km(27.23, 112.86, 27.25, 112.86) < 2.3  # due north


def test_short_and_far_visits_are_flagged_and_plausible_ones_are_not(
    township_user, institution, township
):
    short = visit(institution, minutes=3, position=NEAR)
    far = visit(institution, minutes=30, position=FAR)
    fine = visit(institution, minutes=30, position=NEAR)
    unknown = visit(institution)  # no form time, no position: nothing to say
    elsewhere = InstitutionFactory(township=township)  # position unknown
    no_home = visit(elsewhere, minutes=30, position=FAR)
    draft = visit(institution, minutes=1, position=FAR, status=VisitStatus.DRAFT)

    rows = {row.visit.pk: row for row in flagged_visits(township_user, SINCE)}

    assert set(rows) == {short.pk, far.pk}
    assert rows[short.pk].short and not rows[short.pk].far
    assert rows[far.pk].far and not rows[far.pk].short
    assert 3.9 < rows[far.pk].distance_km < 4.0
    for quiet in (fine, unknown, no_home, draft):
        assert quiet.pk not in rows


def test_a_visit_just_outside_the_box_on_the_diagonal_is_still_flagged(township_user, institution):
    # 1.6 km north and 1.6 km east: 2.26 km away though neither gap alone exceeds 2 km.
    north = Decimal("0.014373")
    east = Decimal("0.016165")
    diagonal = visit(institution, minutes=30, position=(HOME[0] + north, HOME[1] + east))

    rows = flagged_visits(township_user, SINCE)

    assert [r.visit.pk for r in rows] == [diagonal.pk]


def test_the_county_settings_decide_and_are_inherited_by_townships(
    township_user, county_user, county, institution
):
    visit(institution, minutes=8, position=NEAR)
    assert thresholds_for(township_user).min_minutes == 5
    assert flagged_visits(township_user, SINCE) == []

    VisitPlausibility.objects.create(unit=county, min_minutes=10, max_distance_km=Decimal("0.5"))

    assert thresholds_for(township_user).min_minutes == 10
    row = flagged_visits(township_user, SINCE)[0]
    assert row.short and row.far


def test_the_county_section_sets_the_limits_version_checked(client_for, county_user, county):
    client = client_for(county_user)
    url = reverse("screening:review_implausible_visits")
    version = version_of_page(client, url, form="settings_form")

    saved = client.post(url, {"min_minutes": "8", "max_distance_km": "1.5", **version})
    stale = client.post(url, {"min_minutes": "3", "max_distance_km": "9", **version})

    assert saved.status_code == 302
    setting = VisitPlausibility.objects.get(unit=county)
    assert (setting.min_minutes, setting.max_distance_km) == (8, Decimal("1.5"))
    assert stale.status_code == 200  # refused: someone saved after the page was opened
    setting.refresh_from_db()
    assert setting.min_minutes == 8
    assert setting.history.count() == 1


def test_settings_out_of_range_are_refused(client_for, county_user, county):
    client = client_for(county_user)
    url = reverse("screening:review_implausible_visits")
    version = version_of_page(client, url, form="settings_form")

    response = client.post(url, {"min_minutes": "0", "max_distance_km": "500", **version})

    assert response.status_code == 200
    assert not VisitPlausibility.objects.exists()


def test_townships_cannot_set_the_limits(client_for, township_user):
    response = client_for(township_user).post(
        reverse("screening:review_implausible_visits"), {"min_minutes": "1"}
    )
    assert response.status_code == 403


def test_the_review_shows_the_flagged_visits(client_for, county_user, institution, frozen):
    short = visit(institution, minutes=2)
    client = client_for(county_user)

    review = client.get(reverse("screening:four_looks"), {"since": "2026-01-01"})
    listing = client.get(reverse("screening:review_implausible_visits"), {"since": "2026-01-01"})

    assert "data-implausible" in review.content.decode()
    html = listing.content.decode()
    assert f'data-visit="{short.pk}"' in html and "data-short" in html


def test_the_list_of_flagged_visits_takes_constant_queries(
    client_for, county_user, institution, django_assert_max_num_queries
):
    for _n in range(6):
        visit(institution, minutes=1, position=FAR)
    client = client_for(county_user)
    url = reverse("screening:review_implausible_visits")
    client.get(url, {"since": "2026-01-01"})
    with django_assert_max_num_queries(20):
        response = client.get(url, {"since": "2026-01-01"})
    assert response.content.decode().count("data-visit=") == 6


def test_the_visit_page_shows_form_time_receipt_and_distance(client_for, county_user, institution):
    far = visit(institution, minutes=3, position=FAR, received_at=NOW)

    html = client_for(county_user).get(reverse("screening:visit_detail", args=[far.pk])).content
    html = html.decode()

    assert "data-form-time" in html and "3分钟" in html
    assert "4.0公里" in html
