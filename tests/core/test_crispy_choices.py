"""A list's township filter (choices from the database) is drawn once per the townships it
offers and reused: each person still sees only the townships they may see, the one they
chose stays chosen, and a township added since shows at once."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.templatetags import core_tags
from tests.factories import TownshipFactory

pytestmark = pytest.mark.django_db


def township_options(html: str) -> list[tuple[str, bool]]:
    select = re.search(r'<select name="township".*?</select>', html, re.S).group(0)
    return [
        (label, "selected" in attrs)
        for attrs, label in re.findall(r"<option([^>]*)>([^<]*)</option>", select)
        if label.strip("-")
    ]


@pytest.mark.parametrize("url", ["/institutions/", "/risk/"])
def test_each_person_sees_their_own_townships_and_their_choice(
    url, client_for, county_user, township_user, other_township, township
):
    county_page = client_for(county_user).get(url).content.decode()
    assert sorted(township_options(county_page)) == sorted(
        [(township.name, False), (other_township.name, False)]
    )

    own = client_for(township_user).get(url).content.decode()
    assert township_options(own) == [(township.name, False)]

    chosen = client_for(county_user).get(url, {"township": other_township.pk}).content.decode()
    assert (other_township.name, True) in township_options(chosen)
    assert (township.name, False) in township_options(chosen)

    TownshipFactory(parent=township.parent, name="新设街道")
    again = client_for(county_user).get(url).content.decode()
    assert "新设街道" in [name for name, _ in township_options(again)]


def test_the_township_filter_is_drawn_once_and_read_in_one_query(
    client_for, county_user, township, monkeypatch
):
    client = client_for(county_user)
    client.get("/institutions/")  # drawn and kept
    drawn = []
    original = core_tags.as_crispy_field
    monkeypatch.setattr(
        core_tags, "as_crispy_field", lambda field: drawn.append(field.name) or original(field)
    )
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/institutions/").content.decode()
    assert drawn == []
    assert township_options(page) == [(township.name, False)]
    township_reads = [q["sql"] for q in queries if '"accounts_orgunit"' in q["sql"]]
    assert not [sql for sql in township_reads if "COUNT(" in sql]
