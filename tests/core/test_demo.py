import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command

from accounts.models import OrgUnit, Role, UnitLevel, User
from core.demo import DEMO_PASSWORD
from institutions.models import Institution

pytestmark = pytest.mark.django_db


def snapshot():
    return (
        sorted(OrgUnit.objects.values_list("path", "name")),
        sorted(User.objects.values_list("username", "role", "unit_id")),
        sorted(Institution.objects.values_list("name", "credit_code", "beds", "township_id")),
        Institution.history.count(),
    )


def test_demo_county_is_realistic_and_loading_twice_changes_nothing(capsys):
    call_command("load_demo")
    first = snapshot()
    call_command("load_demo")
    assert snapshot() == first

    townships = OrgUnit.objects.filter(level=UnitLevel.TOWNSHIP)
    assert 10 <= townships.count() <= 14
    assert Institution.objects.registered().count() > 100
    assert Institution.objects.venues().count() > 20
    assert set(Institution.objects.values_list("ownership", flat=True)) >= {
        "public",
        "public_private",
        "private",
    }
    assert {r for r, in User.objects.values_list("role")} == set(Role.values)
    # one township-staff login per township, all with the documented password
    assert User.objects.filter(role=Role.TOWNSHIP_STAFF).count() == townships.count()
    for username in ["admin", "county", "leader", "kaiyun"]:
        assert authenticate(username=username, password=DEMO_PASSWORD) is not None
    assert "kaiyun" in capsys.readouterr().out


def test_demo_credit_codes_are_valid_and_unique():
    call_command("load_demo")
    for institution in Institution.objects.all():
        institution.full_clean()
