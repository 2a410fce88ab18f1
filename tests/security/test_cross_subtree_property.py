"""No read or write crosses a subtree, for any pair of user and record (issue 19).

The URL matrix checks fixed pairs: each role against its own unit and one other. Here
hypothesis draws the pairs: a user of any of three townships in two counties (township
staff, a county reviewer, a leader) and a record of any place outside that user's subtree,
through every page that names a record (detail, edit, files, downloads): a GET never shows
it and a forged POST never changes it. Then every list page and every export, opened by
each user, never names an institution outside the user's subtree.
"""

import io

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from .test_parameters import LIST_PAGES
from .test_url_matrix import EXPECTED, RECORD_PAGES, ROUTES, outcome
from .urls import ARGUMENTS, url_for
from .world import World

pytestmark = pytest.mark.django_db

# Who, and the places their subtree holds ("A", "B": 衡山县; "C": 衡东县).
USERS = {
    "staff A": (lambda w: w.staff_user("A"), {"A"}),
    "staff B": (lambda w: w.staff_user("B"), {"B"}),
    "staff C": (lambda w: w.staff_user("C"), {"C"}),
    "county 1": (lambda w: w.users["county"], {"A", "B"}),
    "county 2": (lambda w: w._reviewers["C"], {"C"}),
    "leader 1": (lambda w: w.users["leader"], {"A", "B"}),
}
PLACES = ("A", "B", "C")
PAGES = sorted(name for name in RECORD_PAGES if name in ARGUMENTS and name in EXPECTED)
EXPORTS = sorted(name for name in ROUTES if name.endswith("_export") and "<" not in ROUTES[name])


def outside(user_key):
    return sorted(set(PLACES) - USERS[user_key][1])


pairs = st.sampled_from(sorted(USERS)).flatmap(
    lambda who: st.tuples(st.just(who), st.sampled_from(outside(who)), st.sampled_from(PAGES))
)


@pytest.fixture
def world(media_root):
    return World()


def test_the_property_reaches_every_page_that_names_a_record():
    assert {"institutions:detail", "screening:visit_attachment", "reporting:run_download"} <= set(
        PAGES
    )
    assert len(EXPORTS) >= 10


@settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(pair=pairs)
def test_no_page_opens_or_changes_a_record_outside_the_subtree(world, pair):
    who, place, name = pair
    client = Client()
    client.force_login(USERS[who][0](world))
    url = url_for(name, world, place)

    seen = outcome(client.get(url))
    assert seen != "ok", f"{who} opened {name} of place {place}"

    from django.apps import apps

    histories = {
        model: model.history.count() for model in apps.get_models() if hasattr(model, "history")
    }
    posted = client.post(url, {"reason": "越权", "confirm": "on", "status": "done"})
    assert posted.status_code in (403, 404, 405), (who, name, place, posted.status_code)
    assert {model: model.history.count() for model in histories} == histories


def export_text(response) -> str:
    content = b"".join(response.streaming_content)
    sheet = load_workbook(io.BytesIO(content), read_only=True).active
    return " ".join(str(v) for row in sheet.iter_rows(values_only=True) for v in row if v)


@pytest.mark.parametrize("who", sorted(USERS))
def test_no_list_or_export_names_an_institution_outside_the_subtree(world, who):
    for place in PLACES:
        world.institution(place)
        world.visit(place)
    client = Client()
    client.force_login(USERS[who][0](world))
    strangers = [f"{place}养老院" for place in outside(who)]
    mine = [f"{place}养老院" for place in sorted(USERS[who][1])]

    shown_somewhere = False
    for name in LIST_PAGES:
        response = client.get(url_for(name, world, "A"))
        if response.status_code != 200:
            continue
        page = response.content.decode()
        assert not [s for s in strangers if s in page], (who, name)
        shown_somewhere |= any(m in page for m in mine)
    for name in EXPORTS:
        response = client.get(url_for(name, world, "A"))
        if response.status_code != 200:
            continue
        text = export_text(response)
        assert not [s for s in strangers if s in text], (who, name)
    assert shown_somewhere, f"{who} saw none of their own institutions: the test proves nothing"
