"""Login lockout (django-axes) for logins over HTTP only.

django-axes refuses an ``authenticate()`` call without a request, and Django then stops
trying the other backends: management commands, the demo loader's checks and shells that
authenticate directly would always fail. Without a request there is no login attempt from
outside to count, so this backend simply steps aside.
"""

from axes.backends import AxesStandaloneBackend


class LoginLockoutBackend(AxesStandaloneBackend):
    def authenticate(self, request=None, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
