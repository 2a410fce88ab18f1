"""CSRF: every URL refuses a POST without the token, whoever sends it."""

import pytest
from django.test import Client
from django.urls import reverse

from institutions.models import Institution
from tests.formdata import post_data

from .test_url_matrix import EXPECTED, PATTERNS
from .urls import url_for
from .world import World

pytestmark = pytest.mark.django_db


def refused_for_csrf(response):
    return response.status_code == 403 and "CSRF" in response.content.decode()


@pytest.mark.parametrize("name", [n for n in PATTERNS if n in EXPECTED])
def test_post_without_the_token_is_refused(name, media_root):
    world = World()
    url = url_for(name, world, "A")
    count_before = Institution.objects.count()
    for role in ("township", "county"):
        client = Client(enforce_csrf_checks=True)
        client.force_login(world.users[role])

        response = client.post(url, {"name": "伪造的提交"})

        assert refused_for_csrf(response), (name, role, response.status_code)
    assert Institution.objects.count() == count_before


def test_login_form_refuses_a_post_without_the_token():
    World()
    client = Client(enforce_csrf_checks=True)

    response = client.post(reverse("login"), {"username": "kaiyun", "password": "Secret-pass-1"})

    assert refused_for_csrf(response)
    assert "_auth_user_id" not in client.session


def test_the_same_post_with_the_token_from_the_form_is_accepted():
    world = World()
    institution = world.institution("A")
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["township"])
    url = reverse("institutions:update", args=[institution.pk])
    form = client.get(url).context["form"]

    response = client.post(
        url,
        post_data(form, csrfmiddlewaretoken=client.cookies["csrftoken"].value, principal="王一"),
    )

    assert response.status_code == 302
    institution.refresh_from_db()
    assert institution.principal == "王一"
