"""A list page counts its rows once: the table's paginator ("N records" and the pages). The
generic list view's own paginator, which no template reads, counted them a second time on
every list page (docs/performance.md, "load")."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import InstitutionFactory, VenueFactory

from .list_pages import list_urls

pytestmark = pytest.mark.django_db

PAGE_COUNT = 'SELECT COUNT(*) AS "__count"'


LISTS = list_urls()


def test_the_generic_lists_are_found():
    names = {name for name, _path, _table in LISTS}
    assert {"institutions:list", "risklists:list", "screening:visit_list"} <= names


@pytest.mark.parametrize(("name", "path", "table"), LISTS, ids=[row[0] for row in LISTS])
def test_a_list_page_counts_its_rows_once(name, path, table, client_for, county_user, township):
    InstitutionFactory.create_batch(3, township=township)
    VenueFactory(township=township)
    client = client_for(county_user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    if response.status_code == 403:
        pytest.skip(f"{name}: not the county section's page")
    assert response.status_code == 200
    counts = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].startswith(f'{PAGE_COUNT} FROM "{table}"')
    ]
    assert len(counts) == 1, counts
    assert "record" in response.content.decode() or "条" in response.content.decode()
