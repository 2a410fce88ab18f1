"""The field app's server side (issue 15, items 1 and 2): the page, the scoped list of
institutions it keeps for offline use, the service worker and the manifest."""

import json

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from tests.factories import InstitutionFactory

pytestmark = pytest.mark.django_db


def test_data_lists_only_the_users_own_institutions(
    client_for, township_user, township, other_township
):
    mine = InstitutionFactory(
        township=township, name="开云镇康乐颐养院", actual_address="开云镇1号"
    )
    InstitutionFactory(township=other_township, name="白果镇福寿院")

    response = client_for(township_user).get(reverse("screening:field_data"))

    rows = response.json()["institutions"]
    assert [(r["id"], r["name"], r["address"]) for r in rows] == [
        (mine.pk, "开云镇康乐颐养院", "开云镇1号")
    ]
    assert rows[0]["township"] == "开云镇"


def test_data_is_answered_in_constant_queries(
    client_for, township_user, township, django_assert_max_num_queries
):
    for n in range(12):
        InstitutionFactory(township=township, name=f"机构{n}")
    client = client_for(township_user)
    client.get(reverse("screening:field_data"))
    with django_assert_max_num_queries(6):
        response = client.get(reverse("screening:field_data"))
    assert len(response.json()["institutions"]) == 12


def test_the_app_page_has_the_form_its_choices_and_the_manifest(client_for, township_user):
    response = client_for(township_user).get(reverse("screening:field_app"))
    html = response.content.decode()

    assert response.status_code == 200
    assert 'rel="manifest"' in html
    assert 'name="method"' in html and 'name="fund_use"' in html
    assert "interviews-TOTAL_FORMS" in html
    assert "js/field_app.js" in html
    # No inline script: the page's texts travel in a JSON block.
    assert 'id="field-labels" type="application/json"' in html
    assert "script-src 'self'" in response["Content-Security-Policy"]


def test_leaders_do_not_get_the_field_app(client_for, leader):
    assert client_for(leader).get(reverse("screening:field_app")).status_code == 403


def test_the_service_worker_comes_from_static_files_with_the_apps_scope(client):
    response = client.get(reverse("screening:field_sw"))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Service-Worker-Allowed"] == reverse("screening:field_app")
    with open(finders.find("js/field_sw.js"), "rb") as handle:
        assert response.content == handle.read()


def test_the_manifest_opens_the_field_app():
    with open(finders.find("field/manifest.webmanifest"), encoding="utf-8") as handle:
        manifest = json.load(handle)
    assert manifest["start_url"] == manifest["scope"] == "/screening/field/"
    assert manifest["display"] == "standalone"
    assert manifest["icons"]
