""" "Changes since last week": approved levels at a date compared with now, explicit dates."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from risklists import services
from risklists.selectors import Movement, changes_since, movement
from tests.factories import InstitutionFactory

from .factories import invest, visit

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=SHANGHAI)
WEEK_AGO = NOW - timedelta(days=7)


def days_ago(n):
    return NOW - timedelta(days=n)


def approved(institution, township_user, county_user, when):
    """Rate, submit and approve ``institution`` at ``when``; the approved assessment."""
    [assessment] = services.rate([institution], now=when).created
    services.submit(user=township_user, assessment=assessment, now=when)
    return services.approve(user=county_user, assessment=assessment, now=when)


def orange_institution(township, township_user, name):
    institution = InstitutionFactory(township=township, name=name)
    invest(institution)
    visit(institution, township_user, fund_use="irregular")
    return institution


@pytest.fixture
def week(township, township_user, county_user):
    """Five institutions whose approved levels moved (or not) over the last ten days."""
    a, c, d, e = (
        orange_institution(township, township_user, name) for name in ("甲", "丙", "丁", "戊")
    )
    b = InstitutionFactory(township=township, name="乙")
    invest(b)
    visit(b, township_user, fund_use="facility_construction")  # yellow: Y1
    f = InstitutionFactory(township=township, name="己")  # green
    raised = approved(a, township_user, county_user, days_ago(10))
    services.raise_level(user=county_user, assessment=raised, level="red", now=days_ago(3))
    approved(b, township_user, county_user, days_ago(3))
    back = approved(c, township_user, county_user, days_ago(10))
    services.lower_level(
        user=county_user, assessment=back, level="green", reason="已清退", now=days_ago(2)
    )
    lowered = approved(d, township_user, county_user, days_ago(10))
    services.raise_level(user=county_user, assessment=lowered, level="red", now=days_ago(9))
    services.lower_level(
        user=county_user, assessment=lowered, level="yellow", reason="整改到位", now=days_ago(1)
    )
    approved(e, township_user, county_user, days_ago(10))  # no change this week
    approved(f, township_user, county_user, days_ago(3))  # first approval, green: not listed
    return {"raised": a, "new": b, "back_to_green": c, "lowered": d, "same": e, "green": f}


def test_each_movement_of_an_approved_level_is_named(week, county_user):
    changes = changes_since(county_user, WEEK_AGO, NOW)
    found = {row.institution.name: (row.movement, row.then, row.now) for row in changes.rows}
    assert found == {
        "甲": (Movement.RAISED, "orange", "red"),
        "乙": (Movement.NEW, None, "yellow"),
        "丙": (Movement.BACK_TO_GREEN, "orange", "green"),
        "丁": (Movement.LOWERED, "red", "yellow"),
    }
    assert [row.movement for row in changes.rows] == list(Movement.ORDER)
    assert dict(changes.totals) == {"new": 1, "raised": 1, "lowered": 1, "back_to_green": 1}


def test_the_comparison_date_decides(week, county_user):
    # Compared with two days ago only the last lowering and the return to green remain.
    changes = changes_since(county_user, days_ago(2) - timedelta(minutes=1), NOW)
    assert {row.institution.name: row.movement for row in changes.rows} == {
        "丙": Movement.BACK_TO_GREEN,
        "丁": Movement.LOWERED,
    }
    # Up to a date in the past: the state of things then.
    changes = changes_since(county_user, WEEK_AGO, days_ago(5))
    assert changes.rows == []


def test_changes_are_counted_per_township_and_scoped(
    week, county_user, township, other_township, other_township_user
):
    elsewhere = orange_institution(other_township, other_township_user, "庚")
    approved(elsewhere, other_township_user, county_user, days_ago(1))
    county_changes = changes_since(county_user, WEEK_AGO, NOW)
    assert county_changes.by_township[township]["raised"] == 1
    assert county_changes.by_township[other_township]["new"] == 1
    theirs = changes_since(other_township_user, WEEK_AGO, NOW)
    assert [row.institution for row in theirs.rows] == [elsewhere]
    only_mine = changes_since(county_user, WEEK_AGO, NOW, township=other_township)
    assert [row.institution for row in only_mine.rows] == [elsewhere]


@pytest.mark.parametrize(
    ("then", "now", "expected"),
    [
        (None, "red", Movement.NEW),
        ("green", "yellow", Movement.NEW),
        ("yellow", "orange", Movement.RAISED),
        ("red", "orange", Movement.LOWERED),
        ("orange", "green", Movement.BACK_TO_GREEN),
        (None, "green", None),
        ("orange", "orange", None),
    ],
)
def test_movement_of_a_level(then, now, expected):
    assert movement(then, now) == expected
