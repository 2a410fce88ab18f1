"""Login and password policy: lockout after repeated failures, idle expiry, strong passwords."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Role
from core.sessions import REFRESHED_AT
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "Secret-pass-1"


def attempt(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_correct_password_logs_in(client, township_user):
    response = attempt(client, "kaiyun", PASSWORD)

    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 200


def test_five_failed_logins_lock_the_account_with_a_chinese_message(client, township_user):
    for _ in range(4):
        assert attempt(client, "kaiyun", "wrong-password").status_code == 200

    locked = attempt(client, "kaiyun", "wrong-password")

    assert locked.status_code == 429
    assert "登录失败次数过多" in locked.content.decode()
    # Even the right password is refused while the account is locked.
    assert attempt(client, "kaiyun", PASSWORD).status_code == 429


def test_lockout_of_one_account_leaves_a_colleague_in_the_same_office_alone(client, township_user):
    # Same client, same address: the office's shared address behind its NAT.
    for _ in range(5):
        attempt(client, "kaiyun", "wrong-password")
    UserFactory(username="baiguo", role=Role.TOWNSHIP_STAFF)

    response = attempt(client, "baiguo", PASSWORD)

    assert response.status_code == 302
    assert attempt(client, "kaiyun", PASSWORD).status_code == 429


def test_a_success_before_the_limit_resets_the_count(client, township_user):
    for _ in range(4):
        attempt(client, "kaiyun", "wrong-password")
    assert attempt(client, "kaiyun", PASSWORD).status_code == 302
    client.post(reverse("logout"))

    for _ in range(4):
        assert attempt(client, "kaiyun", "wrong-password").status_code == 200


def test_force_login_is_not_affected_by_lockout(client, township_user):
    for _ in range(5):
        attempt(client, "kaiyun", "wrong-password")

    client.force_login(township_user)

    assert client.get(reverse("home")).status_code == 200


def test_session_expires_after_thirty_idle_minutes_and_each_request_extends_it(
    client, township_user
):
    response = attempt(client, "kaiyun", PASSWORD)
    assert response.cookies["sessionid"]["max-age"] == 30 * 60
    session = client.session
    session[REFRESHED_AT] -= 61  # the last extension a minute ago
    session.save()

    response = client.get(reverse("home"))

    assert response.cookies["sessionid"]["max-age"] == 30 * 60
    # written at most once a minute: the next request within the minute writes nothing
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("home"))
    assert "sessionid" not in response.cookies
    assert not [q for q in queries.captured_queries if q["sql"].startswith("UPDATE")]


@pytest.mark.parametrize("password", ["Yanglao@2026", "correct-Horse-battery", "Hengshan@2026"])
def test_strong_passwords_pass_the_policy(password):
    validate_password(password)


@pytest.mark.parametrize(
    "password",
    [
        "Short@2026",  # 10 characters
        "yanglaoyanglao2026",  # two classes: lower case and digits
        "YANGLAO-YANGLAO",  # two classes: upper case and symbols
        "123456789012345",  # digits only
    ],
)
def test_weak_passwords_are_refused(password):
    with pytest.raises(ValidationError):
        validate_password(password)


def test_authenticate_without_a_request_still_works_for_commands(township_user):
    from django.contrib.auth import authenticate

    assert authenticate(username="kaiyun", password=PASSWORD) == township_user


def test_failures_from_elsewhere_do_not_lock_the_account_out_of_its_own_office(
    client, township_user
):
    for _ in range(5):
        client.post(
            reverse("login"),
            {"username": "kaiyun", "password": "wrong-password"},
            REMOTE_ADDR="203.0.113.9",
        )

    response = client.post(
        reverse("login"), {"username": "kaiyun", "password": PASSWORD}, REMOTE_ADDR="10.0.0.8"
    )

    assert response.status_code == 302
