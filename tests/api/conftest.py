import pytest
from django.test import Client

from accounts.models import Role
from api import services
from tests.factories import UserFactory


def system_account(unit, role, name="系统"):
    account = UserFactory(
        username=f"api-{unit.pk}-{role}", unit=unit, role=role, is_system_account=True
    )
    account.set_unusable_password()
    account.save()
    return account


def issue(account, issuer, name="测试密钥"):
    """An API key for ``account`` issued by ``issuer``: (the row, the key)."""
    return services.issue_key(user=issuer, account=account, name=name)


def key_client(key) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Api-Key {key}")


@pytest.fixture
def keys(township, county, county_user):
    """Keys of a township, a county section and a leader system account of the county."""
    found = {}
    for label, unit, role in (
        ("township", township, Role.TOWNSHIP_STAFF),
        ("county", county, Role.COUNTY_REVIEWER),
        ("leader", county, Role.LEADER),
    ):
        account = system_account(unit, role)
        found[label] = issue(account, county_user)
    return found


@pytest.fixture
def api_for(keys):
    """``api_for("township")``: a client signing its requests with that key."""
    return lambda label: key_client(keys[label][1])
