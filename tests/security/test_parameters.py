"""Crafted query parameters never give a 500 (issue 19, finding 7).

Bad page sizes and page numbers fall back to the defaults, a NUL byte anywhere in the query
or in a posted form answers 400, a malformed weekly-report address answers 404; and a fuzz
pass (hypothesis) throws generated queries at every list page (25 each in the suite, 300
with `make fuzz`), built from each page's own filter names and the paging parameters.
"""

import os

import pytest
from django.test import Client
from django.urls import resolve, reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import Role
from tests.factories import InstitutionFactory, UserFactory

from .test_url_matrix import EXPECTED, ROUTES

pytestmark = pytest.mark.django_db

# Pages without arguments that every role may open: the lists, boards and reviews.
NOT_LISTS = ("export", "template", "attachment", "favicon", "login", "set_language", "password")
LIST_PAGES = sorted(
    name
    for name, route in ROUTES.items()
    if not name.startswith("admin:")
    and "<" not in route
    and EXPECTED.get(name, {}).get(("county", "own")) == "ok"
    and not any(word in name for word in NOT_LISTS)
)


@pytest.fixture
def county_client(township):
    InstitutionFactory(township=township, name="开云养老院")
    InstitutionFactory(township=township, name="福寿园", registration_status="unregistered")
    client = Client()
    client.force_login(UserFactory(unit=township.parent, role=Role.COUNTY_REVIEWER))
    return client


def test_the_fuzz_covers_the_list_pages():
    assert {"institutions:list", "screening:visit_list", "risklists:list", "audit_log"} <= set(
        LIST_PAGES
    )


@pytest.mark.parametrize("per_page", ["-5", "0", "10000000000000", "abc", "1e3", "٣", " 7"])
@pytest.mark.parametrize("name", ["institutions:list", "screening:visit_list", "audit_log"])
def test_bad_page_sizes_fall_back_to_the_default(county_client, name, per_page):
    response = county_client.get(reverse(name), {"per_page": per_page, "page": "-1"})

    assert response.status_code == 200


@pytest.mark.parametrize("key", ["q", "search", "name", "status"])
def test_a_nul_byte_in_a_parameter_answers_400(county_client, key):
    response = county_client.get(reverse("institutions:list"), {key: "养老\x00院"})

    assert response.status_code == 400


def test_a_nul_byte_in_a_parameter_name_answers_400(county_client):
    response = county_client.get(reverse("institutions:list") + "?q%00=1")

    assert response.status_code == 400


@pytest.mark.parametrize("multipart", [False, True], ids=["urlencoded", "multipart"])
def test_a_nul_byte_in_a_posted_form_answers_400_and_saves_nothing(county_client, multipart):
    from institutions.models import Institution

    before = Institution.objects.count()
    data = {"name": "夕阳红\x00养老院", "registration_status": "unregistered"}
    if multipart:
        response = county_client.post(reverse("institutions:create"), data)
    else:
        response = county_client.post(
            reverse("institutions:create"),
            "name=%E5%A4%95%00&registration_status=unregistered",
            content_type="application/x-www-form-urlencoded",
        )

    assert response.status_code == 400
    assert "不允许" in response.content.decode()
    assert Institution.objects.count() == before


@pytest.mark.parametrize(
    "path",
    [
        "/reporting/weekly/99999999999999999999999/1/edit/",
        "/reporting/weekly/2026/99/edit/",
        "/reporting/weekly/2021/53/edit/",
        "/reporting/weekly/0/1/edit/",
        "/reporting/weekly/?week=2026-W99",
        "/reporting/weekly/?week=99999-W1",
        "/reporting/weekly/?week=%00",
    ],
)
def test_malformed_weekly_report_addresses_never_give_a_500(client, township_user, path):
    client.force_login(township_user)

    response = client.get(path)

    assert response.status_code in (200, 400, 404)


def filter_names(name: str) -> list[str]:
    view = getattr(resolve(reverse(name)).func, "view_class", None)
    filterset = getattr(view, "filterset_class", None)
    names = list(filterset.base_filters) if filterset is not None else []
    return names + ["page", "per_page", "sort", "q", "week", "township", "level", "status"]


VALUES = st.one_of(
    st.text(max_size=30),
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
    st.sampled_from(["", "-5", "0", "2026-W48", "2026-13-45", "last", "null", "'--", "1,2"]),
    st.dates().map(str),
)


# A few cases per page in every run; `make fuzz` runs a few hundred per page (FUZZ_EXAMPLES),
# a slow check with a target of its own as the benchmarks are.
FUZZ_EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "25"))


@pytest.mark.parametrize("name", LIST_PAGES)
@settings(
    max_examples=FUZZ_EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_no_query_on_a_list_page_gives_a_500(county_client, name, data):
    keys = filter_names(name)
    query = data.draw(st.dictionaries(st.sampled_from(keys), VALUES, max_size=4))

    response = county_client.get(reverse(name), query)

    assert response.status_code in (200, 302, 400, 403, 404), (name, query)


# Found by the fuzz above: a number past a 64-bit key in a list's filter reached SQLite
# ("Python int too large to convert to SQLite INTEGER") and answered 500.
@pytest.mark.parametrize("name", LIST_PAGES)
def test_a_number_past_any_key_in_a_filter_is_no_500(county_client, name):
    huge = str(2**63)
    query = {key: huge for key in filter_names(name) if key not in ("page", "per_page")}

    for key, value in query.items():
        response = county_client.get(reverse(name), {key: value})
        assert response.status_code in (200, 302, 400, 403, 404), (name, key)
