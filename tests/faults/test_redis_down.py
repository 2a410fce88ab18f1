"""Redis stopped: pages still work and nothing typed is lost; the cache comes back with it."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from institutions.models import Institution
from tests.factories import InstitutionFactory
from tests.formdata import post_data

from .services import private_redis

pytestmark = pytest.mark.django_db

PAGES = [
    "home",
    "institutions:list",
    "screening:visit_list",
    "risklists:list",
    "disposal:board",
    "reporting:weekly_list",
    "audit_log",
]


@pytest.fixture
def redis_cache(settings):
    with private_redis() as redis:
        settings.CACHES = {
            "default": {
                "BACKEND": "core.cache.ResilientRedisCache",
                "LOCATION": redis.url,
                "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
            }
        }
        yield redis


def test_cache_errors_are_misses_while_redis_is_down(redis_cache):
    cache.set("greeting", "你好")
    assert cache.get("greeting") == "你好"

    redis_cache.stop()

    assert cache.get("greeting") is None
    assert cache.get("greeting", "default") == "default"
    cache.set("greeting", "again")
    assert cache.get_many(["greeting"]) == {}
    assert cache.add("other", 1) is False
    cache.delete("greeting")

    redis_cache.start()
    cache.set("greeting", "回来了")
    assert cache.get("greeting") == "回来了"


def test_pages_work_and_edits_are_kept_while_redis_is_down(
    redis_cache, client_for, county_user, township
):
    institution = InstitutionFactory(township=township)
    client = client_for(county_user)
    redis_cache.stop()

    for name in PAGES:
        assert client.get(reverse(name)).status_code == 200, name
    url = reverse("institutions:update", args=[institution.pk])
    response = client.post(url, post_data(client.get(url).context["form"], principal="王一"))

    assert response.status_code == 302
    assert Institution.objects.get(pk=institution.pk).principal == "王一"
