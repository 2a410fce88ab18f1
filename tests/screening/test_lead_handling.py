"""报送线索办理情况: the leads of a period by township, split by source (上级转办, 12337, 12345,
other) and stage (received, verified, handled, fed back), as a page and an .xlsx."""

from datetime import date
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from screening.models import LeadChannel
from screening.selectors.lead_handling import lead_handling
from tests.factories import CountyFactory, TownshipFactory

from .test_leads import LeadFactory

pytestmark = pytest.mark.django_db

FIRST, LAST = date(2026, 11, 1), date(2026, 11, 30)


@pytest.fixture
def leads(township, other_township):
    # 开云镇: a referred lead received, verified, handled and fed back in November …
    LeadFactory(
        unit=township,
        channel=LeadChannel.REFERRED,
        received_on=date(2026, 11, 3),
        verified_on=date(2026, 11, 5),
        handled_on=date(2026, 11, 20),
        fed_back_on=date(2026, 11, 21),
    )
    # … a 12337 lead received in October, verified in November …
    LeadFactory(unit=township, received_on=date(2026, 10, 28), verified_on=date(2026, 11, 2))
    # … two 12345 leads and a walk-in (other) received in November
    for _n in range(2):
        LeadFactory(unit=township, channel=LeadChannel.HOTLINE_12345, received_on=date(2026, 11, 9))
    LeadFactory(unit=township, channel=LeadChannel.WALK_IN, received_on=date(2026, 11, 30))
    # 白果镇: one 12337 lead in November, one in December (outside the period)
    LeadFactory(unit=other_township, received_on=date(2026, 11, 15))
    LeadFactory(unit=other_township, received_on=date(2026, 12, 1))
    # another county's lead is never counted
    far = TownshipFactory(name="大浦镇", parent=CountyFactory(name="衡东县"))
    LeadFactory(unit=far, received_on=date(2026, 11, 15))


def test_each_stage_is_counted_by_source_within_the_period(leads, county_user):
    report = lead_handling(county_user, FIRST, LAST)

    rows = {row.name: row for row in report.rows}
    assert set(rows) == {"开云镇", "白果镇"}
    kaiyun = rows["开云镇"]
    assert [kaiyun[f"referred_{s}"] for s in ("received", "verified", "handled", "fed_back")] == [
        1,
        1,
        1,
        1,
    ]
    assert (kaiyun["12337_received"], kaiyun["12337_verified"]) == (0, 1)
    assert (kaiyun["12345_received"], kaiyun["other_received"]) == (2, 1)
    assert rows["白果镇"]["12337_received"] == 1
    assert report.totals["12337_received"] == 1 and report.totals["12345_received"] == 2


def test_a_township_sees_its_own_leads_only(leads, township_user):
    report = lead_handling(township_user, FIRST, LAST)

    assert [row.name for row in report.rows] == ["开云镇"]
    assert report.totals.total_received == 4


def test_the_page_and_the_spreadsheet_show_the_same_figures(leads, county_user, client_for):
    client = client_for(county_user)
    query = {"from": FIRST.isoformat(), "to": LAST.isoformat()}

    page = client.get(reverse("screening:lead_handling"), query)
    sheet = client.get(reverse("screening:lead_handling"), {**query, "format": "xlsx"})

    html = page.content.decode()
    assert "上级转办" in html and "12337" in html and 'data-unit="开云镇"' in html
    assert (
        "线索办理情况" in sheet["Content-Disposition"]
        or "filename*" in sheet["Content-Disposition"]
    )
    workbook = load_workbook(BytesIO(sheet.content))
    cells = [
        [cell for cell in row if cell is not None]
        for row in workbook.active.iter_rows(values_only=True)
    ]
    kaiyun = next(row for row in cells if "开云镇" in row)
    assert kaiyun[2:] == page.context["report"].rows[0].cells
    assert any("2026-11-01" in str(row[0]) for row in cells if row)  # the period in the title


def test_the_page_answers_bad_dates_without_an_error(county_user, client_for):
    response = client_for(county_user).get(reverse("screening:lead_handling"), {"from": "x"})

    assert response.status_code == 200


def test_the_report_is_one_query_for_the_leads(leads, county_user, django_assert_num_queries):
    with django_assert_num_queries(2):  # the townships, the counts
        lead_handling(county_user, FIRST, LAST)
