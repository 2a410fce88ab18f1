"""The URL × role × own/other matrix of tests/security, asked again with API keys: a system
account with a person's unit and role gets exactly what that person's session gets."""

import pytest
from django.test import Client

from api.services import issue_key
from tests.factories import UserFactory
from tests.security.test_url_matrix import EXPECTED, PATTERNS, outcome
from tests.security.urls import url_for
from tests.security.world import World

pytestmark = pytest.mark.django_db

API_ROUTES = [
    name for name in PATTERNS if name.startswith("api:") and name.endswith(("-list", "-detail"))
] + ["api:run-download", "api:run-file", "api:visit-attachments", "api:visit-attachment"]
KEY_ROLES = ("township", "county", "leader")


def key_clients(world):
    clients = {}
    for role in KEY_ROLES:
        person = world.users[role]
        account = UserFactory(
            username=f"api-{role}", unit=person.unit, role=person.role, is_system_account=True
        )
        _row, key = issue_key(user=world.users["county"], account=account, name=role)
        clients[role] = Client(HTTP_AUTHORIZATION=f"Api-Key {key}")
    return clients


def test_the_matrix_covers_every_api_route():
    assert [name for name in PATTERNS if name.startswith("api:") and name not in EXPECTED] == []


@pytest.mark.parametrize("name", API_ROUTES)
def test_api_route_answers_each_key_as_the_table_says(name, media_root):
    world = World()
    clients = key_clients(world)
    observed, wanted = {}, {}
    for role in KEY_ROLES:
        for scope in ("own", "other"):
            response = clients[role].get(url_for(name, world, World.place_for(role, scope)))
            observed[(role, scope)] = outcome(response)
            wanted[(role, scope)] = EXPECTED[name][(role, scope)]

    assert observed == wanted
