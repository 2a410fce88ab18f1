"""API keys: issued by the county section for system accounts of its subtree, shown once,
stored hashed, their last use shown, refused at once when revoked."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role, User
from api.models import ApiKey
from core import clock
from tests.factories import UserFactory

from .conftest import issue, key_client, system_account

pytestmark = pytest.mark.django_db


def test_county_section_issues_a_key_for_a_new_system_account_and_sees_it_once(
    client_for, county_user, township
):
    client = client_for(county_user)

    response = client.post(
        reverse("api:key_list"),
        {
            "name": "乡镇走访App",
            "account_name": "开云镇走访App",
            "unit": township.pk,
            "role": Role.TOWNSHIP_STAFF,
        },
    )

    assert response.status_code == 200
    key = response.context["issued"]["key"]
    account = User.objects.get(is_system_account=True)
    assert (account.unit, account.role, account.has_usable_password()) == (
        township,
        Role.TOWNSHIP_STAFF,
        False,
    )
    stored = ApiKey.objects.get()
    assert key not in stored.hashed_key and key.startswith(stored.prefix)
    assert response["Cache-Control"] == "no-store"
    assert key not in client.get(reverse("api:key_list")).content.decode()
    assert key_client(key).get(reverse("api:institution-list")).status_code == 200


def test_a_system_account_cannot_log_in_to_the_pages(client, township, county_user):
    account = system_account(township, Role.TOWNSHIP_STAFF)

    response = client.post(reverse("login"), {"username": account.username, "password": ""})

    assert "_auth_user_id" not in client.session
    assert response.status_code == 200


def test_a_session_of_a_system_account_is_not_accepted_by_the_api(client, township):
    client.force_login(system_account(township, Role.TOWNSHIP_STAFF))

    assert client.get(reverse("api:institution-list")).status_code == 401


def test_a_revoked_key_is_refused_at_once(client_for, county_user, keys):
    row, key = keys["township"]
    api = key_client(key)
    assert api.get(reverse("api:unit-list")).status_code == 200

    client_for(county_user).post(reverse("api:key_revoke", args=[row.prefix]))

    response = api.get(reverse("api:unit-list"))
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    row.refresh_from_db()
    assert (row.revoked, row.revoked_by) == (True, county_user)


def test_the_key_page_shows_a_keys_last_use(client_for, county_user, keys, monkeypatch):
    moment = clock.now().replace(microsecond=0) - timedelta(hours=3)
    monkeypatch.setattr("core.clock.now", lambda: moment)
    _row, key = keys["county"]
    client = client_for(county_user)
    assert "从未使用" in client.get(reverse("api:key_list")).content.decode()

    key_client(key).get(reverse("api:unit-list"))

    page = client.get(reverse("api:key_list")).content.decode()
    assert timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") in page


def test_last_use_is_written_at_most_once_a_minute(keys):
    row, key = keys["county"]
    api = key_client(key)
    api.get(reverse("api:unit-list"))
    first = ApiKey.objects.get(pk=row.pk).last_used_at

    api.get(reverse("api:unit-list"))

    assert ApiKey.objects.get(pk=row.pk).last_used_at == first


def test_county_section_does_not_see_another_countys_keys(client_for, county_user):
    from tests.factories import CountyFactory, TownshipFactory

    far = TownshipFactory(name="大浦镇", parent=CountyFactory(name="衡东县"))
    far_reviewer = UserFactory(username="hd", unit=far.parent, role=Role.COUNTY_REVIEWER)
    row, _key = issue(system_account(far, Role.TOWNSHIP_STAFF), far_reviewer, name="衡东App")
    client = client_for(county_user)

    assert "衡东App" not in client.get(reverse("api:key_list")).content.decode()
    assert client.post(reverse("api:key_revoke", args=[row.prefix])).status_code == 404


@pytest.mark.parametrize("role", ["township_user", "leader", "administrator"])
def test_only_the_county_section_opens_the_key_page(client_for, role, request):
    user = request.getfixturevalue(role)

    assert client_for(user).get(reverse("api:key_list")).status_code == 403


def test_a_persons_session_writes_only_with_the_csrf_token(township_user, township):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(township_user)

    response = client.post(reverse("api:lead-list"), {}, content_type="application/json")

    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
