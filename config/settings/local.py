"""Developer machine: `make run`. Debug on unless the environment says otherwise."""

from .base import *  # noqa: F403
from .base import env_bool

DEBUG = env_bool("DEBUG", True)
# The demo county, the synthetic province and the benchmarks (never in production).
INSTALLED_APPS = [*INSTALLED_APPS, "devtools"]  # noqa: F405
# The demo logins keep the README's shared password without being sent to change it.
PASSWORD_CHANGE_DEMO_EXEMPT = True
