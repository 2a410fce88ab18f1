"""Passwords (issue 19, finding 8): a 修改密码 page for every user, a forced change after an
administrator set the password, and a policy that refuses dressed-up common words and the
login name."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.demo import AccountsDemo, admin_group
from accounts.models import Role, User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Kx7#mQ2v!pLw9z"


def change_password(client, old="Secret-pass-1", new=NEW_PASSWORD):
    return client.post(
        reverse("password_change"),
        {"old_password": old, "new_password1": new, "new_password2": new},
    )


def test_every_user_changes_their_own_password_in_the_site_layout(client, township_user):
    client.force_login(township_user)

    page = client.get(reverse("password_change"))
    response = change_password(client)

    township_user.refresh_from_db()
    assert page.status_code == 200
    assert page.templates[0].name == "registration/password_change_form.html"
    assert "base.html" in [t.name for t in page.templates]
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert township_user.check_password(NEW_PASSWORD)


def test_the_user_menu_links_to_the_password_page(client, township_user):
    client.force_login(township_user)

    home = client.get(reverse("home"))

    assert f'href="{reverse("password_change")}"'.encode() in home.content


def test_an_account_created_by_an_administrator_changes_its_password_at_first_login(
    client, administrator, township
):
    administrator.groups.add(admin_group())
    client.force_login(administrator)
    client.post(
        reverse("admin:accounts_user_add"),
        {
            "username": "newcomer",
            "password1": "Shared#Start9x",
            "password2": "Shared#Start9x",
            "usable_password": "true",
            "unit": township.pk,
            "role": Role.TOWNSHIP_STAFF,
        },
    )
    newcomer = User.objects.get(username="newcomer")
    client.logout()
    client.force_login(newcomer)

    before = client.get(reverse("institutions:list"))
    change_password(client, old="Shared#Start9x")
    after = client.get(reverse("institutions:list"))

    newcomer.refresh_from_db()
    assert before.status_code == 302 and before["Location"] == reverse("password_change")
    assert newcomer.must_change_password is False
    assert after.status_code == 200


def test_a_password_reset_by_an_administrator_must_be_changed(client, administrator, township_user):
    administrator.groups.add(admin_group())
    client.force_login(administrator)

    client.post(
        reverse("admin:auth_user_password_change", args=[township_user.pk]),
        {"password1": "Shared#Reset9x", "password2": "Shared#Reset9x", "usable_password": "true"},
    )

    township_user.refresh_from_db()
    assert township_user.check_password("Shared#Reset9x")
    assert township_user.must_change_password is True


def test_a_user_who_must_change_may_still_log_out_and_open_the_change_page(client):
    user = UserFactory(must_change_password=True)
    client.force_login(user)

    assert client.get(reverse("password_change")).status_code == 200
    assert client.get(reverse("home"))["Location"] == reverse("password_change")
    assert client.post(reverse("logout")).status_code == 302
    assert client.get(reverse("home"))["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("exempt", [True, False])
def test_demo_logins_are_exempt_from_the_forced_change_only_by_the_setting(settings, exempt):
    settings.PASSWORD_CHANGE_DEMO_EXEMPT = exempt

    AccountsDemo().build()

    flags = set(User.objects.values_list("must_change_password", flat=True))
    assert flags == {not exempt}


@pytest.mark.parametrize(
    "password", ["Password@123", "Admin@2026", "P@ssw0rd!2026", "Qwerty#12345"]
)
def test_common_words_with_digits_and_symbols_added_are_refused(password):
    with pytest.raises(ValidationError):
        validate_password(password)


def test_a_password_containing_the_login_name_is_refused(township_user):
    with pytest.raises(ValidationError):
        validate_password("Kaiyun@2026XY", township_user)


def test_the_policy_has_django_similarity_common_and_length_validators(settings):
    names = {v["NAME"].rsplit(".", 1)[1] for v in settings.AUTH_PASSWORD_VALIDATORS}

    assert {
        "UserAttributeSimilarityValidator",
        "CommonPasswordValidator",
        "MinimumLengthValidator",
    } <= names


def test_a_strong_password_still_passes(township_user):
    validate_password(NEW_PASSWORD, township_user)
