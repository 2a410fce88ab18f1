"""Per-key rate limiting: each API key (or person, for a browser session) has its own
budget in the cache (Redis in production), so one busy robot does not slow another.

Over budget, the answer is 429 with ``Retry-After`` (DRF's ``Throttled``)."""

from rest_framework.throttling import SimpleRateThrottle

from .models import ApiKey


class KeyRateThrottle(SimpleRateThrottle):
    scope = "api_key"

    def get_cache_key(self, request, view):
        if isinstance(request.auth, ApiKey):
            ident = f"key-{request.auth.prefix}"
        elif request.user and request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            ident = f"ip-{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}
