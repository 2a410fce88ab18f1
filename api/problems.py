"""Error bodies as RFC 9457 problem details (``application/problem+json``).

Every refusal of the API has the same shape: ``type``, ``title`` (the status in the
caller's language, Chinese by default), ``status``, ``detail`` and, for invalid input,
``errors``: one entry per message with the ``field`` it concerns (``null`` for the request
as a whole) and its ``code``. A service's ``django.core.exceptions.ValidationError`` and
``PermissionDenied`` are answered like DRF's own. Written here rather than taken from
drf-standardized-errors: that library's body is not RFC 9457 (no ``title``/``status``),
and the handler is thirty lines.
"""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from django.views.defaults import page_not_found
from rest_framework import exceptions, status
from rest_framework.views import exception_handler

PROBLEM_JSON = "application/problem+json"

TITLES = {
    400: lambda: _("The request is not valid."),
    401: lambda: _("Authentication is required."),
    403: lambda: _("Not allowed."),
    404: lambda: _("Not found."),
    405: lambda: _("Method not allowed."),
    406: lambda: _("Not acceptable."),
    413: lambda: _("The request body is too large."),
    415: lambda: _("Unsupported media type."),
    429: lambda: _("Too many requests."),
}


def as_drf(exc):
    """A service's Django exceptions as the DRF exceptions they mean."""
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            return exceptions.ValidationError(
                {
                    field if field != "__all__" else "non_field_errors": messages
                    for field, messages in exc.message_dict.items()
                }
            )
        return exceptions.ValidationError({"non_field_errors": exc.messages})
    if isinstance(exc, PermissionDenied):
        return exceptions.PermissionDenied(str(exc) or None)
    if isinstance(exc, Http404):
        return exceptions.NotFound()
    return exc


def field_errors(detail, prefix="") -> list[dict]:
    """``{"field": [ErrorDetail…]}`` (nested for lists and objects) as a flat list."""
    found = []
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = "" if key in ("non_field_errors", "__all__") else str(key)
            found += field_errors(value, f"{prefix}.{name}" if prefix and name else prefix or name)
    elif isinstance(detail, list):
        if all(isinstance(item, str) for item in detail):
            for item in detail:
                found.append(
                    {
                        "field": prefix or None,
                        "detail": str(item),
                        "code": getattr(item, "code", "invalid"),
                    }
                )
        else:
            for index, item in enumerate(detail):
                found += field_errors(item, f"{prefix}[{index}]")
    else:
        found.append(
            {"field": prefix or None, "detail": str(detail), "code": getattr(detail, "code", "")}
        )
    return found


def problem_handler(exc, context):
    exc = as_drf(exc)
    response = exception_handler(exc, context)
    if response is None:
        return None  # a 500: Django's own handler answers and logs it
    code = response.status_code
    body = {
        "type": "about:blank",
        "title": TITLES.get(code, lambda: _("The request failed."))(),
        "status": code,
    }
    if isinstance(exc, exceptions.ValidationError):
        body["detail"] = _("Some values are not valid: see errors.")
        body["errors"] = field_errors(exc.detail)
    else:
        detail = exc.detail if isinstance(exc, exceptions.APIException) else ""
        body["detail"] = str(detail) if not isinstance(detail, dict | list) else body["title"]
    if code == status.HTTP_429_TOO_MANY_REQUESTS and response.get("Retry-After"):
        body["retry_after"] = int(response["Retry-After"])
    response.data = body
    response.content_type = PROBLEM_JSON
    return response


def not_found(request, exception=None):
    """The project's 404: a problem body for an address under /api/, the page otherwise."""
    if request.path_info.startswith("/api/v1/"):
        body = {"type": "about:blank", "title": _("Not found."), "status": 404, "detail": ""}
        return JsonResponse(body, status=404, content_type=PROBLEM_JSON)
    return page_not_found(request, exception)
