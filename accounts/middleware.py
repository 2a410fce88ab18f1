"""A user whose password was set by someone else chooses their own before anything else.

Accounts created by an administrator, or whose password an administrator reset, carry
``must_change_password``: every page but the password change itself, logging out and the
language switch redirects there until the user has changed it (issue 19, finding 8).
"""

from django.shortcuts import redirect
from django.urls import reverse


class PasswordChangeRequiredMiddleware:
    ALLOWED = ("password_change", "logout", "set_language")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.must_change_password:
            allowed = {reverse(name) for name in self.ALLOWED}
            if request.path_info not in allowed:
                return redirect("password_change")
        return self.get_response(request)
