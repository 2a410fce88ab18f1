"""The API's request bodies: JSON only, and no larger than ``API_MAX_BODY_BYTES``.

A visit or a weekly report is a few kilobytes; refusing a larger body before it is read
keeps a mistaken (or hostile) client from filling the server's memory."""

from io import BytesIO

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, parsers, status

from screening.forms.visits import MAX_ATTACHMENT_SIZE


class RequestTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = _("The request body is too large.")
    default_code = "too_large"


def limit() -> int:
    return settings.API_MAX_BODY_BYTES


class LimitedJSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        request = (parser_context or {}).get("request")
        declared = request.META.get("CONTENT_LENGTH") if request is not None else None
        try:
            if declared and int(declared) > limit():
                raise too_large()
        except ValueError:
            pass
        if stream is None:
            return super().parse(stream, media_type, parser_context)
        body = stream.read(limit() + 1)
        if len(body) > limit():
            raise too_large()
        return super().parse(BytesIO(body), media_type, parser_context)


def too_large():
    return RequestTooLarge(
        _("The request body is larger than %(limit)d kB.") % {"limit": limit() // 1024}
    )


class LimitedMultiPartParser(parsers.MultiPartParser):
    """The body of a file upload (a visit's photo): at most one attachment's size
    (``screening.forms.visits.MAX_ATTACHMENT_SIZE``) and the form around it, by its declared
    length; each file is then checked by the visit form's rules. nginx refuses a body over
    ``client_max_body_size`` before anything reads it; the project's parameter guard may
    already have read the form (``request.POST``), so the view asks ``check_upload_size``
    too."""

    def parse(self, stream, media_type=None, parser_context=None):
        request = (parser_context or {}).get("request")
        if request is not None:
            check_upload_size(request)
        return super().parse(stream, media_type, parser_context)


def upload_limit() -> int:
    return MAX_ATTACHMENT_SIZE + 64 * 1024


def check_upload_size(request) -> None:
    """413 when the request declares a body larger than one attachment may be."""
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return
    if declared > upload_limit():
        raise RequestTooLarge(
            _("The request body is larger than %(limit)d MB.")
            % {"limit": upload_limit() // (1024 * 1024)}
        )
