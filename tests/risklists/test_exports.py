"""The risk list and the review list export as their pages show them: the filtered rows of
every page, the plan clauses as text, another township's rows never, constant queries."""

import pytest
from django.urls import reverse

from risklists import services
from risklists.views import ReviewView, RiskListView
from tests.exporting import column, queries_of, sheet_rows
from tests.factories import VenueFactory

from .factories import invest

pytestmark = pytest.mark.django_db
RISK = reverse("risklists:list_export")
REVIEW = reverse("risklists:review_export")


def red_venues(township, n, prefix="开云镇颐养之家"):
    venues = [VenueFactory(township=township, name=f"{prefix}{i}") for i in range(n)]
    for venue in venues:
        invest(venue)
    return services.rate(venues).created


@pytest.fixture
def short_pages(monkeypatch):
    monkeypatch.setattr(RiskListView, "paginate_by", 10)
    monkeypatch.setattr(ReviewView, "paginate_by", 10)


def test_risk_list_export_has_every_filtered_row_of_every_page(
    client_for, county_user, township, other_township, short_pages
):
    red_venues(township, 30)
    red_venues(other_township, 3, prefix="白果镇颐养之家")
    client = client_for(county_user)
    headers, rows = sheet_rows(client.get(RISK + f"?township={township.pk}&level=red"))
    assert len(rows) == 30
    assert set(column(rows, headers.index("乡镇（街道）"))) == {township.name}
    # The name alone (the phone's second line is not part of it), the clauses as text.
    assert set(column(rows, 1)) == {f"开云镇颐养之家{i}" for i in range(30)}
    clauses = column(rows, headers.index("风险描述（方案条款）"))
    assert all("未经登记开展养老服务活动且收取大额预付费" in text for text in clauses)
    assert "<" not in str(rows)


def test_risk_list_export_never_has_another_townships_rows(
    client_for, township_user, township, other_township
):
    red_venues(township, 1, prefix="本镇")
    red_venues(other_township, 1, prefix="外镇")
    client = client_for(township_user)
    for query in ("", f"?township={other_township.pk}", "?q=外镇"):
        response = client.get(RISK + query)
        if response.status_code == 200:
            assert "外镇0" not in column(sheet_rows(response)[1], 1)


def test_risk_list_export_writes_a_typed_formula_as_text(client_for, county_user, township):
    red_venues(township, 1, prefix="=1+")
    _headers, rows = sheet_rows(client_for(county_user).get(RISK))
    assert rows[0][1] == ("=1+0", "s")


def test_risk_list_export_takes_the_same_queries_for_3_and_20_rows(
    client_for, county_user, township
):
    client = client_for(county_user)
    red_venues(township, 3, prefix="甲")
    few = queries_of(client, RISK)
    red_venues(township, 17, prefix="乙")
    assert queries_of(client, RISK) == few


def test_review_export_has_every_proposal_the_filters_select(
    client_for, county_user, township_user, township, other_township, short_pages
):
    for assessment in red_venues(township, 30):
        services.submit(user=township_user, assessment=assessment)
    red_venues(township, 3, prefix="未提交")  # proposed, not submitted: not in the county's queue
    client = client_for(county_user)
    headers, rows = sheet_rows(client.get(REVIEW))
    assert len(rows) == 30
    assert set(column(rows, headers.index("审核状态"))) == {"已提交"}
    _headers, rows = sheet_rows(client.get(REVIEW + "?state=proposed"))
    assert set(column(rows, 1)) == {f"未提交{i}" for i in range(3)}


def test_review_export_never_has_another_townships_proposals(
    client_for, township_user, township, other_township
):
    red_venues(township, 1, prefix="本镇")
    red_venues(other_township, 1, prefix="外镇")
    client = client_for(township_user)
    for query in ("", f"?township={other_township.pk}", "?state=proposed"):
        response = client.get(REVIEW + query)
        if response.status_code == 200:
            assert "外镇0" not in column(sheet_rows(response)[1], 1)


def test_review_export_writes_a_typed_formula_as_text(client_for, township_user, township):
    red_venues(township, 1, prefix="=1+")
    _headers, rows = sheet_rows(client_for(township_user).get(REVIEW))
    assert rows[0][1] == ("=1+0", "s")


def test_review_export_takes_the_same_queries_for_3_and_20_rows(
    client_for, township_user, township
):
    client = client_for(township_user)
    red_venues(township, 3, prefix="甲")
    few = queries_of(client, REVIEW)
    red_venues(township, 17, prefix="乙")
    assert queries_of(client, REVIEW) == few
