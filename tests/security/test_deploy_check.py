"""Production settings: `check --deploy` is clean with the README's variables set."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "SECRET_KEY": "s3cr3t-" + "k" * 60,
    "DATABASE_URL": "postgres://yanglao:secret@127.0.0.1:5432/yanglao",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "ALLOWED_HOSTS": "yanglao.example.gov.cn",
    "CSRF_TRUSTED_ORIGINS": "https://yanglao.example.gov.cn",
}


TEST_ONLY = {"DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}


def run_manage(*args, env):
    # Not the test run's own variables (the browser tests set DJANGO_ALLOW_ASYNC_UNSAFE).
    clean = {k: v for k, v in os.environ.items() if k not in PRODUCTION_ENV and k not in TEST_ONLY}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_reports_no_issue_with_production_environment():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "SECRET_KEY"}

    result = run_manage("check", env=env)

    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_settings_are_strict():
    code = (
        "import django, json; from django.conf import settings; django.setup(); "
        "print(json.dumps([settings.DEBUG, settings.SESSION_COOKIE_SECURE, "
        "settings.CSRF_COOKIE_SECURE, settings.SECURE_HSTS_SECONDS, "
        "settings.SECURE_SSL_REDIRECT, settings.SESSION_COOKIE_AGE, "
        "settings.CACHES['default']['BACKEND']]))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**os.environ, **PRODUCTION_ENV, "SESSION_COOKIE_AGE": "900"},
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 0, result.stderr
    debug, session_secure, csrf_secure, hsts, ssl_redirect, idle, cache = json.loads(
        result.stdout.strip().splitlines()[-1]
    )
    assert (debug, session_secure, csrf_secure, ssl_redirect) == (False, True, True, True)
    assert hsts >= 31536000
    assert idle == 900
    assert cache == "core.cache.ResilientRedisCache"
