"""Records sent from a phone's outbox (the field app), made at most once per client id.

The phone gives each record it keeps an id of its own (``client_id``) and sends it until
the server answers; a replay (a lost answer, a second tap, two tabs) must not make a second
record. Each model that takes such records has a ``client_id`` column and a unique
constraint on ``(created_by, client_id)``; ``create_once`` looks for the record already made,
else saves through the model's own service, and lets the constraint decide between
concurrent requests. An id reused for something different is refused.
"""

from collections.abc import Callable

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.http import JsonResponse
from django.utils.translation import gettext as _

CLIENT_ID_LENGTH = 64
FIELD_USER_HEADER = "X-Field-User"


def already_made(model, user, client_id: str):
    if not client_id:
        return None
    return model.objects.visible_to(user).filter(created_by=user, client_id=client_id).first()


def create_once(
    *,
    model,
    user,
    instance,
    client_id: str,
    save: Callable[[], object],
    same: Callable[[object], bool],
    reused: Callable[[object], str],
):
    """``save()`` the new ``instance`` unless ``client_id`` already made one for ``user``.

    Returns ``(record, created)``. ``same(existing)`` says whether the existing record is
    what this request describes; if not, ``reused(existing)`` is the refusal's message.
    """
    client_id = (client_id or "").strip()
    if len(client_id) > CLIENT_ID_LENGTH:
        raise ValidationError(
            {"client_id": _("At most %(n)d characters.") % {"n": CLIENT_ID_LENGTH}}
        )
    if not client_id:
        return save(), True

    def answer(existing):
        if not same(existing):
            raise ValidationError({"client_id": reused(existing)}, code="client_id_reused")
        return existing, False

    existing = already_made(model, user, client_id)
    if existing is not None:
        return answer(existing)
    instance.client_id = client_id
    try:
        with transaction.atomic():
            saved = save()
    except (IntegrityError, ValidationError):
        # Another request with the same id got there first (the constraint, or full_clean
        # seeing its committed row): answer what it made.
        existing = already_made(model, user, client_id)
        if existing is None:
            instance.pk = None
            raise
        return answer(existing)
    return saved, True


def put_errors(form, exc: ValidationError):
    """A service's errors on the form's own fields where it has them, else on the form."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def json_errors(form) -> dict:
    errors = {}
    for name, messages in form.errors.items():
        field = form.fields.get(name)
        label = field.label if field is not None and name != NON_FIELD_ERRORS else ""
        errors[name] = {"label": str(label or ""), "messages": list(messages)}
    return errors


def other_user_refusal():
    return JsonResponse(
        {
            "detail": _(
                "This record was made by another person on this phone: it is sent when "
                "they log in again."
            ),
            "code": "other_user",
        },
        status=401,
    )
