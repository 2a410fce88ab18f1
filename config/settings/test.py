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
