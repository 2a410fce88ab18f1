"""Test runs: the same database and broker settings as the environment gives, fast hashing."""

from .base import *  # noqa: F403

# The demo county, the synthetic province and the benchmarks are tested too.
INSTALLED_APPS = [*INSTALLED_APPS, "devtools"]  # noqa: F405
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Tests run tasks inline unless a test starts a real worker itself (marker celery_worker).
CELERY_TASK_ALWAYS_EAGER = True
LANGUAGE_CODE = "zh-hans"
# The demo logins keep the README's shared password without being sent to change it.
PASSWORD_CHANGE_DEMO_EXEMPT = True
# No Celery worker runs beside the tests (but in tests that start one): /health/ does not
# ping one.
HEALTH_CHECK_WORKER = False

# Under pytest-xdist (make test runs on every core) each worker process has its own test
# database (pytest-django adds the worker's name) and, here, its own Redis database for the
# cache, the broker and the results: one worker's cache.clear() or throttle counters never
# reach the other's tests. The real Celery workers some tests start inherit it (tests/workers.py
# passes the environment on).
_xdist_worker = os.environ.get("PYTEST_XDIST_WORKER", "")  # noqa: F405 - "gw0", "gw1", …
# A process started by a test (a real Celery worker) inherits both the moved REDIS_URL and
# the mark that it was moved: it must not move it a second time.
if (
    REDIS_URL  # noqa: F405
    and _xdist_worker.startswith("gw")
    and not os.environ.get("TEST_REDIS_PER_WORKER")  # noqa: F405
):
    from urllib.parse import urlsplit

    _url = urlsplit(REDIS_URL)  # noqa: F405
    _db = int(_url.path.strip("/") or 0)
    REDIS_URL = _url._replace(path=f"/{(_db + 1 + int(_xdist_worker[2:])) % 16}").geturl()
    os.environ["REDIS_URL"] = REDIS_URL  # noqa: F405
    os.environ["TEST_REDIS_PER_WORKER"] = "1"  # noqa: F405
    CACHES["default"]["LOCATION"] = REDIS_URL  # noqa: F405
    CELERY_BROKER_URL = CELERY_RESULT_BACKEND = REDIS_URL
