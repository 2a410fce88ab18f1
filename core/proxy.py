"""The client's address behind the reverse proxy (deploy/nginx.conf sets X-Real-IP)."""


def client_ip(request) -> str | None:
    """nginx overwrites X-Real-IP with the address it saw, so it cannot be forged from outside.

    Used in production only (gunicorn listens on loopback, reached through nginx); login
    lockout counts failures per address with it (AXES_CLIENT_IP_CALLABLE).
    """
    return request.META.get("HTTP_X_REAL_IP") or request.META.get("REMOTE_ADDR")
