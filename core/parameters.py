"""Query parameters a hostile or careless URL may carry never reach a view as a 500.

- A NUL byte anywhere in the path, the query string or a posted form's fields is refused
  with 400: PostgreSQL refuses NUL in a text literal, and no legitimate form sends one
  (Django's forms refuse it in a CharField; this covers every other reader of the POST).
- A page size (``per_page`` of django-tables2, with or without a table prefix) that is not a
  whole number from 1 to ``MAX_PER_PAGE`` is dropped, so the list falls back to its default
  page size (a negative size made the paginator fail).
- A page number that is not a positive whole number of reasonable length is dropped (page 1).
"""

from django.http import HttpResponseBadRequest
from django.utils.translation import gettext as _

MAX_PER_PAGE = 200
MAX_PAGE_DIGITS = 6


def _whole_number(value: str, low: int, high: int) -> bool:
    value = value.strip()
    return value.isascii() and value.isdigit() and len(value) <= 9 and low <= int(value) <= high


FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _has_nul(data) -> bool:
    return any(
        "\x00" in key or any("\x00" in value for value in values) for key, values in data.lists()
    )


def _acceptable(key: str, value: str) -> bool:
    if key.endswith("per_page"):
        return _whole_number(value, 1, MAX_PER_PAGE)
    if key.endswith("page") and value != "last":
        return _whole_number(value, 1, 10**MAX_PAGE_DIGITS)
    return True


class QueryParameterGuardMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        query = request.GET
        if "\x00" in request.path_info or _has_nul(query):
            return HttpResponseBadRequest(
                _("The address contains a character that is not allowed.")
            )
        if (
            request.method == "POST"
            and request.content_type in FORM_TYPES
            and _has_nul(request.POST)
        ):
            return HttpResponseBadRequest(_("The form contains a character that is not allowed."))
        dropped = [
            key
            for key, values in query.lists()
            if key.endswith("page") and not all(_acceptable(key, v) for v in values)
        ]
        if dropped:
            cleaned = query.copy()
            for key in dropped:
                del cleaned[key]
            cleaned._mutable = False
            request.GET = cleaned
        return self.get_response(request)
