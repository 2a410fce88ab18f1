"""Publicity activities and weekly reports export as their pages show them (the weekly
reports with their texts): filtered rows of every page, typed text as text, another
township's rows never, constant queries."""

import pytest
from django.urls import reverse

from reporting.choices import WeeklyStatus
from tests.exporting import column, filename_of, queries_of, sheet_rows, text_cells

from .conftest import shanghai
from .factories import PublicityActivityFactory, WeeklyReportFactory
from .test_weekly import BEFORE_DEADLINE, WEDNESDAY, WEEK

pytestmark = pytest.mark.django_db
PUBLICITY = reverse("reporting:publicity_list_export")
WEEKLY = reverse("reporting:weekly_list_export")


# --- publicity --------------------------------------------------------------------------------


def test_publicity_export_has_every_filtered_activity_of_every_page(
    client_for, county_user, township, other_township
):
    PublicityActivityFactory.create_batch(30, township=township)
    PublicityActivityFactory.create_batch(4, township=other_township)
    query = f"?township={township.pk}"
    client = client_for(county_user)
    page = client.get(reverse("reporting:publicity_list") + query)
    assert page.context["table"].paginator.count == 30
    headers, rows = sheet_rows(client.get(PUBLICITY + query))
    assert len(rows) == 30
    assert headers == [str(c.header) for c in page.context["table"].columns]
    assert set(column(rows, 1)) == {township.name}
    posters = headers.index(str(page.context["table"].columns["posters"].header))
    assert set(column(rows, posters)) == {2}  # counts stay numbers


def test_publicity_export_never_has_another_townships_activities(
    client_for, township_user, township, other_township
):
    PublicityActivityFactory(township=township, place_name="本镇村部")
    PublicityActivityFactory(township=other_township, place_name="外镇村部")
    client = client_for(township_user)
    for query in ("", f"?township={other_township.pk}"):
        response = client.get(PUBLICITY + query)
        if response.status_code == 200:
            assert "外镇村部" not in str(sheet_rows(response)[1])


def test_publicity_export_writes_a_typed_formula_as_text(client_for, county_user, township):
    PublicityActivityFactory(township=township, place_name="=1+1")
    _headers, rows = sheet_rows(client_for(county_user).get(PUBLICITY))
    assert rows[0][3] == ("=1+1", "s")


def test_publicity_export_takes_the_same_queries_for_3_and_40_rows(
    client_for, county_user, township
):
    client = client_for(county_user)
    PublicityActivityFactory.create_batch(3, township=township)
    few = queries_of(client, PUBLICITY)
    PublicityActivityFactory.create_batch(37, township=township)
    assert queries_of(client, PUBLICITY) == few


# --- weekly reports ---------------------------------------------------------------------------


def test_county_exports_every_townships_state_for_the_week_with_the_texts(
    client_for, county_user, township, other_township, frozen_clock
):
    frozen_clock(WEDNESDAY)
    WeeklyReportFactory(
        township=township,
        status=WeeklyStatus.SUBMITTED,
        submitted_at=BEFORE_DEADLINE,
        summary="本周走访12家",
        practices_and_cases="=1+1",
        problems_and_suggestions="人手不足",
    )
    response = client_for(county_user).get(WEEKLY + f"?week={WEEK.label}")
    assert filename_of(response) == f"乡镇周报-{WEEK.label}-2026-11-25.xlsx"
    _headers, rows = sheet_rows(response)
    by_township = {row[0][0]: row for row in rows}
    assert set(by_township) == {township.name, other_township.name}
    mine = [cell[0] for cell in by_township[township.name]]
    assert mine[1] == WEEK.label
    assert mine[4] == "按时报送"
    assert mine[7:] == ["本周走访12家", "=1+1", "人手不足"]
    assert ("=1+1", "s") in text_cells(rows)
    assert by_township[other_township.name][4][0] == "未报"


def test_township_exports_only_its_own_weeks(
    client_for, township_user, township, other_township, frozen_clock
):
    frozen_clock(shanghai(2026, 11, 25, 9, 0))
    WeeklyReportFactory(township=township, summary="本镇周报")
    WeeklyReportFactory(township=other_township, summary="外镇周报")
    _headers, rows = sheet_rows(client_for(township_user).get(WEEKLY))
    assert set(column(rows, 0)) == {township.name}
    assert "本镇周报" in column(rows, 7)
    assert "外镇周报" not in str(rows)


def test_weekly_export_takes_the_same_queries_for_few_and_many_townships(
    client_for, county_user, township, frozen_clock
):
    from tests.factories import TownshipFactory

    frozen_clock(WEDNESDAY)
    client = client_for(county_user)
    url = WEEKLY + f"?week={WEEK.label}"
    few = queries_of(client, url)
    for i in range(10):
        WeeklyReportFactory(
            township=TownshipFactory(parent=township.parent, name=f"镇{i}"),
            week=WEEK.week,
            status=WeeklyStatus.SUBMITTED,
            submitted_at=BEFORE_DEADLINE,
        )
    assert queries_of(client, url) == few
