"""PostgreSQL restarted (every connection of the database cut): the next request works.

A real gunicorn serves the test database; all its database connections are terminated
on the server side (what a restart does to them); the next request must succeed, because
connections are checked before reuse (CONN_HEALTH_CHECKS) instead of failing once.
"""

import re

import psycopg2
import pytest
import requests
from django.db import connection

from tests.factories import TownshipFactory, UserFactory

from .services import gunicorn

pytestmark = pytest.mark.django_db(transaction=True)


def terminate_connections(postgres):
    """Cut every connection to the database but this test's own (pytest still needs it)."""
    database = postgres().rsplit("/", 1)[1]
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (ours,) = cursor.fetchone()
    conn = psycopg2.connect(postgres("postgres").replace("postgres://", "postgresql://", 1))
    conn.autocommit = True
    with conn.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = %s AND pid NOT IN (pg_backend_pid(), %s)",
            [database, ours],
        )
        (terminated,) = cursor.fetchone()
    conn.close()
    return terminated


def login(session, base):
    page = session.get(f"{base}/login/", timeout=10).text
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    response = session.post(
        f"{base}/login/",
        data={"username": "kaiyun", "password": "Secret-pass-1", "csrfmiddlewaretoken": token},
        headers={"Referer": f"{base}/login/"},
        timeout=10,
        allow_redirects=False,
    )
    assert response.status_code == 302


def test_the_next_request_after_the_database_restarts_works(postgres):
    UserFactory(username="kaiyun", unit=TownshipFactory(name="开云镇"))
    env = {
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": postgres(),
        "CONN_MAX_AGE": "600",
        "REDIS_URL": "",
    }
    with gunicorn(env) as base, requests.Session() as session:
        login(session, base)
        assert session.get(f"{base}/institutions/", timeout=10).status_code == 200

        assert terminate_connections(postgres) >= 1

        after = session.get(f"{base}/institutions/", timeout=10)
        assert after.status_code == 200
        assert "开云镇" in session.get(f"{base}/", timeout=10).text
