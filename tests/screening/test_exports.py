"""Visits and leads export as their lists show them: the filtered rows, all pages, personal
data masked as on screen, typed text as text, queries constant in the rows."""

import pytest
from django.urls import reverse

from screening.models import VisitStatus
from tests.exporting import column, queries_of, sheet_rows, text_cells
from tests.factories import InstitutionFactory

from .factories import ScreeningVisitFactory, SubmittedVisitFactory
from .test_leads import LeadFactory

pytestmark = pytest.mark.django_db
VISITS = reverse("screening:visit_list_export")
LEADS = reverse("screening:lead_list_export")


# --- visits -----------------------------------------------------------------------------------


def visits(n, institution, staff, factory=SubmittedVisitFactory):
    return factory.create_batch(n, institution=institution, staff=staff)


def test_visit_export_has_every_filtered_visit_of_every_page(
    client_for, county_user, township_user, township
):
    institution = InstitutionFactory(township=township)
    visits(30, institution, township_user)
    visits(4, institution, township_user, factory=ScreeningVisitFactory)  # drafts
    query = f"?status={VisitStatus.SUBMITTED}"
    client = client_for(county_user)
    page = client.get(reverse("screening:visit_list") + query)
    assert page.context["table"].paginator.count == 30
    headers, rows = sheet_rows(client.get(VISITS + query), "走访日期")
    assert len(rows) == 30
    assert set(column(rows, headers.index("状态"))) == {VisitStatus.SUBMITTED.label}


def test_visit_export_never_has_another_townships_visits(
    client_for, township_user, other_township_user, township, other_township
):
    visits(2, InstitutionFactory(township=township, name="本镇养老院"), township_user)
    visits(2, InstitutionFactory(township=other_township, name="外镇养老院"), other_township_user)
    client = client_for(township_user)
    for query in ("", f"?township={other_township.pk}", "?q=外镇"):
        response = client.get(VISITS + query)
        if response.status_code == 200:
            _headers, rows = sheet_rows(response, "走访日期")
            assert "外镇养老院" not in column(rows, 1)


def test_visit_export_writes_a_typed_formula_as_text(client_for, county_user, township_user):
    visits(1, InstitutionFactory(township=township_user.unit, name="=1+1"), township_user)
    _headers, rows = sheet_rows(client_for(county_user).get(VISITS), "走访日期")
    assert rows[0][1] == ("=1+1", "s")


def test_visit_export_takes_the_same_queries_for_3_and_40_visits(
    client_for, county_user, township_user, township
):
    client = client_for(county_user)
    visits(3, InstitutionFactory(township=township), township_user)
    few = queries_of(client, VISITS)
    for _ in range(37):
        visits(1, InstitutionFactory(township=township), township_user)
    assert queries_of(client, VISITS) == few


# --- leads ------------------------------------------------------------------------------------


def test_lead_export_has_every_filtered_lead_of_every_page(
    client_for, county_user, township, other_township
):
    LeadFactory.create_batch(30, unit=township)
    LeadFactory.create_batch(5, unit=other_township)
    client = client_for(county_user)
    headers, rows = sheet_rows(client.get(LEADS + f"?unit={township.pk}"), "接收日期")
    assert len(rows) == 30
    assert set(column(rows, headers.index("乡镇（街道）"))) == {township.name}


def test_lead_export_masks_the_reporters_phone_for_a_leader_as_on_screen(
    client_for, leader, township_user, township
):
    LeadFactory(unit=township, reporter_name="王秀英", reporter_phone="13912345678")
    headers, rows = sheet_rows(client_for(leader).get(LEADS), "接收日期")
    reporter = rows[0][headers.index("举报人")][0]
    assert reporter == "王秀英 139****5678"
    assert "13912345678" not in str(text_cells(rows))
    headers, rows = sheet_rows(client_for(township_user).get(LEADS), "接收日期")
    assert rows[0][headers.index("举报人")][0] == "王秀英 13912345678"


def test_lead_export_never_has_another_townships_leads(
    client_for, township_user, township, other_township
):
    LeadFactory(unit=township, subject="本镇线索")
    LeadFactory(unit=other_township, subject="外镇线索")
    client = client_for(township_user)
    for query in ("", f"?unit={other_township.pk}", "?q=外镇"):
        response = client.get(LEADS + query)
        if response.status_code == 200:
            assert "外镇线索" not in str(sheet_rows(response, "接收日期")[1])


def test_lead_export_writes_a_typed_formula_as_text(client_for, county_user, township):
    LeadFactory(unit=township, subject="=1+1")
    _headers, rows = sheet_rows(client_for(county_user).get(LEADS), "接收日期")
    assert rows[0][1] == ("=1+1", "s")


def test_lead_export_takes_the_same_queries_for_3_and_40_leads(client_for, county_user, township):
    client = client_for(county_user)
    LeadFactory.create_batch(3, unit=township, institution=InstitutionFactory(township=township))
    few = queries_of(client, LEADS)
    for _ in range(37):
        LeadFactory(unit=township, institution=InstitutionFactory(township=township))
    assert queries_of(client, LEADS) == few
