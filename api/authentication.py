"""Who is calling: an API key (``Authorization: Api-Key <key>``) or a browser session.

The key signs the request as its system account; every view then asks that account's
``visible_to`` and permission properties like it would a person's. A revoked key is refused
on its next request: keys are looked up on every request, never cached.
"""

from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from .models import ApiKey

KEYWORD = "Api-Key"


class ApiKeyAuthentication(authentication.BaseAuthentication):
    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode("latin-1")
        keyword, _sep, key = header.strip().partition(" ")
        if keyword.lower() != KEYWORD.lower():
            return None
        key = key.strip()
        if not key:
            raise exceptions.AuthenticationFailed(_("The API key is missing."))
        try:
            api_key = ApiKey.objects.get_from_key(key)
        except ApiKey.DoesNotExist:
            raise exceptions.AuthenticationFailed(
                _("This API key is not valid: it is unknown, revoked or expired.")
            ) from None
        api_key.touch()
        return api_key.account, api_key

    def authenticate_header(self, request):
        # 401 rather than 403 for a request without credentials.
        return KEYWORD


class SessionAuthentication(authentication.SessionAuthentication):
    """A person's browser session (the Swagger UI, a page's script), with CSRF enforced;
    system accounts never have a session."""

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is not None and result[0].is_system_account:
            return None
        return result
