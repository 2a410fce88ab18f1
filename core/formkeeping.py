"""Nothing typed is lost when a session ends under an open form.

Township staff fill the visit form at the door, often for longer than the 30 minutes a
session lasts without a request. Three things keep their work:

- While a form is being typed in, ``static/js/keepalive.js`` asks ``/session/ping/`` (a
  cheap authenticated answer, 204) at most every few minutes: the request extends the
  session like any other (core/sessions.py).
- A browser that was signed in carries a marker cookie (``signed_in``: the user's id,
  signed; a browser-session cookie, dropped at logout). When a POST arrives without a
  session but with the marker, the session ended: the POST's fields are kept in a new
  anonymous session (``LoginRequiredMiddleware.handle_no_permission``), the login page says
  why the person was signed out, and the same page opened after logging in (the login's
  ``next``) comes back filled (``restored_post``), for the same user only. Files cannot be
  kept this way (they were never accepted from a signed-out request); the page says so.
- A request asking for JSON (the field app's outbox) is answered 401 with a reason instead
  of the login page, and the outbox keeps the record on the phone.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth import middleware as auth_middleware
from django.contrib.auth.decorators import login_not_required
from django.core import signing
from django.http import HttpResponse, JsonResponse, QueryDict
from django.utils.translation import gettext as _

SIGNED_IN_COOKIE = "signed_in"
SIGNED_IN_SALT = "core.formkeeping.signed_in"
STASH = "_stashed_post"
# A POST whose fields are longer than this is not kept (the visit form's text is far less).
MAX_STASH_CHARACTERS = 200_000
NOT_KEPT = {"csrfmiddlewaretoken"}


def wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def signed_in_marker(request) -> int | None:
    """The id of the user this browser was signed in as, if it says so (and the signature
    holds); None after a logout or in a browser that never signed in."""
    value = request.COOKIES.get(SIGNED_IN_COOKIE)
    if not value:
        return None
    try:
        return int(signing.Signer(salt=SIGNED_IN_SALT).unsign(value))
    except (signing.BadSignature, ValueError):
        return None


def session_ended(request) -> bool:
    """The browser was signed in and its session has ended (not a logout)."""
    return signed_in_marker(request) is not None and not request.user.is_authenticated


def stash_post(request, user_id: int) -> None:
    data = {key: request.POST.getlist(key) for key in request.POST if key not in NOT_KEPT}
    size = sum(len(key) + sum(len(value) for value in values) for key, values in data.items())
    if size > MAX_STASH_CHARACTERS:
        return
    request.session[STASH] = {
        "user": user_id,
        "path": request.get_full_path(),
        "data": data,
        "files": sorted(f.name for key in request.FILES for f in request.FILES.getlist(key)),
    }


def stashed_files(request) -> list[str]:
    stash = request.session.get(STASH) or {}
    return list(stash.get("files") or [])


def has_stash(request) -> bool:
    return bool(request.session.get(STASH))


def restored_post(request) -> QueryDict | None:
    """The fields of the POST this user's ended session could not take, if it was sent to
    this very page; taken once. The files' names are left on ``request.restored_files``."""
    if hasattr(request, "_restored_post"):
        return request._restored_post
    request._restored_post = None
    request.restored_files = []
    stash = request.session.get(STASH)
    if not stash or request.method != "GET" or not request.user.is_authenticated:
        return None
    if stash.get("user") != request.user.pk:
        # Someone else logged in on this browser: the other person's text is not theirs.
        del request.session[STASH]
        return None
    if stash.get("path") != request.get_full_path():
        return None
    del request.session[STASH]
    data = QueryDict(mutable=True)
    for key, values in stash["data"].items():
        data.setlist(key, values)
    data._mutable = False
    request._restored_post = data
    request.restored_files = stash.get("files") or []
    return data


class LoginRequiredMiddleware(auth_middleware.LoginRequiredMiddleware):
    """Django's, keeping the POST of an ended session and answering JSON callers with 401;
    it also sets and clears the signed-in marker cookie."""

    def handle_no_permission(self, request, view_func):
        user_id = signed_in_marker(request)
        if request.method == "POST" and user_id is not None and not wants_json(request):
            stash_post(request, user_id)
        if wants_json(request):
            code = "signed_out"
            reason = (
                _("Your session has ended: log in again, then send it again.")
                if user_id is not None
                else _("Log in first.")
            )
            if user_id is not None and account_disabled(user_id):
                code = "account_disabled"
                reason = _(
                    "Your account has been disabled: ask your unit's administrator. "
                    "What you recorded stays on this phone."
                )
            return JsonResponse({"detail": reason, "code": code}, status=401)
        return super().handle_no_permission(request, view_func)

    def process_response(self, request, response):
        user = getattr(request, "user", None)
        if user is None:
            return response
        if user.is_authenticated:
            value = signing.Signer(salt=SIGNED_IN_SALT).sign(str(user.pk))
            if request.COOKIES.get(SIGNED_IN_COOKIE) != value:
                response.set_cookie(
                    SIGNED_IN_COOKIE,
                    value,
                    httponly=True,
                    samesite="Lax",
                    secure=settings.SESSION_COOKIE_SECURE,
                )
        elif getattr(request, "signed_out", False) and SIGNED_IN_COOKIE in request.COOKIES:
            response.delete_cookie(SIGNED_IN_COOKIE, samesite="Lax")
        return response


def account_disabled(user_id: int) -> bool:
    return get_user_model().objects.filter(pk=user_id, is_active=False).exists()


def mark_logout(sender, request, user, **kwargs):
    """A logout is not an ended session: the marker goes, the login page says nothing."""
    if request is not None:
        request.signed_out = True


@login_not_required
def ping(request):
    """The form's keep-alive: a request (which extends the session), nothing else."""
    if not request.user.is_authenticated:
        return HttpResponse(status=401)
    response = HttpResponse(status=204)
    response["Cache-Control"] = "no-store"
    return response
