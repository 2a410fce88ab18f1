"""The institution list's 「导出 Excel」: the rows the filters select, all pages, the columns
on screen, typed text as text, one request in a constant number of queries."""

import pytest
from django.urls import reverse

from core import clock
from tests.exporting import column, filename_of, queries_of, sheet_rows
from tests.factories import InstitutionFactory, VenueFactory

pytestmark = pytest.mark.django_db
EXPORT = reverse("institutions:list_export")


def test_export_has_every_row_the_filters_select_not_only_the_page(
    client_for, county_user, township, other_township
):
    VenueFactory.create_batch(30, township=township)
    InstitutionFactory.create_batch(5, township=township)  # registered: filtered out
    VenueFactory.create_batch(4, township=other_township)  # another township
    query = f"?township={township.pk}&registration_status=unregistered"
    client = client_for(county_user)
    page = client.get(reverse("institutions:list") + query)
    assert page.context["table"].paginator.count == 30
    assert len(page.context["table"].page.object_list) == 25

    headers, rows = sheet_rows(client.get(EXPORT + query), "名称")
    assert len(rows) == 30
    assert set(column(rows, 1)) == {township.name}
    assert headers == [str(c.header) for c in page.context["table"].columns]


def test_list_page_offers_the_export_with_its_filters(client_for, county_user, township):
    content = client_for(county_user).get(
        reverse("institutions:list") + f"?township={township.pk}&page=1"
    )
    assert f'href="{EXPORT}?township={township.pk}"' in content.content.decode()
    assert "导出 Excel" in content.content.decode()


def test_township_user_never_exports_another_townships_rows(
    client_for, township_user, township, other_township
):
    InstitutionFactory(township=township, name="开云镇本地养老院")
    InstitutionFactory(township=other_township, name="白果镇他处养老院")
    client = client_for(township_user)
    for query in ("", f"?township={other_township.pk}", "?q=白果"):
        response = client.get(EXPORT + query)
        if response.status_code == 200:
            _headers, rows = sheet_rows(response, "名称")
            assert "白果镇他处养老院" not in column(rows, 0)
    _headers, rows = sheet_rows(client.get(EXPORT), "名称")
    assert column(rows, 0) == ["开云镇本地养老院"]


def test_typed_formula_is_written_as_text(client_for, county_user, township):
    InstitutionFactory(township=township, name="=1+1", legal_representative="+CMD|' /C calc'!A0")
    _headers, rows = sheet_rows(client_for(county_user).get(EXPORT), "名称")
    assert rows[0][0] == ("=1+1", "s")
    assert ("+CMD|' /C calc'!A0", "s") in rows[0]
    assert rows[0][6] == (50, "n")  # beds stay a number


def test_export_is_named_for_what_it_is(client_for, county_user):
    response = client_for(county_user).get(EXPORT)
    assert filename_of(response) == f"养老机构和场所名单-{clock.localdate():%Y-%m-%d}.xlsx"


def test_export_takes_the_same_queries_for_3_and_60_rows(client_for, county_user, township):
    client = client_for(county_user)
    InstitutionFactory.create_batch(3, township=township)
    few = queries_of(client, EXPORT)
    InstitutionFactory.create_batch(57, township=township)
    assert queries_of(client, EXPORT) == few
    assert few <= 8
