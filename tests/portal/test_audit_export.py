"""The audit log's export: every change the filters select (all pages), scoped like the
page, typed text as text, queries growing with the chunks, never with the rows."""

import pytest
from django.urls import reverse

from tests.exporting import column, queries_of, sheet_rows, text_cells
from tests.factories import CountyFactory, InstitutionFactory, TownshipFactory, UserFactory

from .test_audit import edit, make_changes

pytestmark = pytest.mark.django_db
EXPORT = reverse("audit_log_export")


def test_export_has_every_change_the_filters_select_beyond_the_first_page(
    client_for, county_user, township, other_township, township_user
):
    make_changes(township_user, township, 20)  # 80 changes: two pages of 50
    make_changes(UserFactory(unit=other_township), other_township, 2)
    client = client_for(county_user)
    query = f"?township={township.pk}"
    # 80 changes to records, and the four history rows of the township and its user made
    # by the factories (accounts).
    shown = client.get(reverse("audit_log") + query).context["page_obj"].paginator.count
    assert shown == 84
    _headers, rows = sheet_rows(client.get(EXPORT + query))
    assert len(rows) == 84
    assert any("床位数" in text for text in column(rows, 2))


def test_export_is_for_the_county_section_and_scoped_to_its_county(
    client_for, leader, township_user, township
):
    InstitutionFactory(township=township, name="本县养老院")
    assert client_for(leader).get(EXPORT).status_code == 403
    assert client_for(township_user).get(EXPORT).status_code == 403
    elsewhere = CountyFactory(name="南岳区")
    reviewer = UserFactory(unit=elsewhere, role="county_reviewer")
    _headers, rows = sheet_rows(client_for(reviewer).get(EXPORT))
    # Its own county's accounts and units only: nothing of this county.
    assert rows and not any("本县养老院" in str(row) or "kaiyun" in str(row) for row in rows)


def test_export_writes_typed_text_as_text(client_for, county_user, township, township_user):
    edit(township_user, InstitutionFactory.build(township=township, name="=1+1"))
    _headers, rows = sheet_rows(client_for(county_user).get(EXPORT))
    assert "=1+1" in column(rows, 4)
    assert ("=1+1", "s") in text_cells(rows)


def test_export_queries_do_not_grow_with_the_rows(client_for, county_user, township, township_user):
    client = client_for(county_user)
    make_changes(township_user, township, 2)
    few = queries_of(client, EXPORT)
    elsewhere = TownshipFactory(parent=township.parent)
    make_changes(UserFactory(unit=elsewhere), elsewhere, 25)
    assert queries_of(client, EXPORT) == few
