"""PostgreSQL restarted for real: a private cluster serving a real gunicorn is restarted
(pg_ctl restart -m fast); the next request works, and so do logins and writes after it.

Runs where PostgreSQL's server binaries are installed and the tests may start a cluster as
the postgres system user (CI's machine); the shared database server is never touched.
"""

import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
import requests

from .services import ROOT, gunicorn, private_postgres

PASSWORD = "Restart-pass-1"


def manage(env, *args):
    return subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**os.environ, **env},
        check=True,
        capture_output=True,
        text=True,
        timeout=600,
    )


def login(session, base):
    page = session.get(f"{base}/login/", timeout=10).text
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    response = session.post(
        f"{base}/login/",
        data={"username": "kaiyun", "password": PASSWORD, "csrfmiddlewaretoken": token},
        headers={"Referer": f"{base}/login/"},
        timeout=10,
        allow_redirects=False,
    )
    assert response.status_code == 302, response.text[:500]


SETUP = f"""
from accounts.models import OrgUnit, Role, User
county = OrgUnit.objects.create(name="衡山县", level="county")
township = OrgUnit.objects.create(name="开云镇", level="township", parent=county)
user = User(username="kaiyun", unit=township, role=Role.TOWNSHIP_STAFF)
user.set_password("{PASSWORD}")
user.save()
"""


@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="the PostgreSQL pass of .ci/run runs it",
)
def test_the_next_request_after_a_real_postgresql_restart_works():
    # Not under pytest's temporary folder: the postgres user must be able to reach it.
    directory = Path(tempfile.mkdtemp(prefix="pg-fault-"))
    with private_postgres(directory) as server:
        env = {
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "DATABASE_URL": server.url(),
            "CONN_MAX_AGE": "600",
            "REDIS_URL": "",
        }
        manage(env, "migrate", "--noinput")
        manage(env, "shell", "-c", SETUP)
        with gunicorn(env) as base, requests.Session() as session:
            login(session, base)
            assert session.get(f"{base}/institutions/", timeout=10).status_code == 200

            server.restart()

            after = session.get(f"{base}/institutions/", timeout=10)
            assert after.status_code == 200
            assert "开云镇" in session.get(f"{base}/", timeout=10).text
            # A new login (a write to the sessions table) works on the restarted server too.
            with requests.Session() as other:
                login(other, base)
