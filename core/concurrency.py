"""Optimistic locking: two people edit the same record, the second save is refused.

The version of a record is its ``updated_at`` (every edited model has one, set on each
save): an edit form carries the version it was opened at in a hidden field, and the save
first runs ``UPDATE … WHERE id = %s AND updated_at = <that version>``. The UPDATE takes the
row's lock until the transaction ends (PostgreSQL re-reads the row after waiting for a
concurrent writer; SQLite serialises writers), so of two concurrent saves exactly one
finds its version. The other is refused with a message saying who saved first; nothing is
overwritten silently. No model change and no migration: a field that already exists.

The version field is required: a form posted without it (a stale page of an older release,
a hand-made request) is refused like a conflict, never saved unchecked. A refused save names
who saved first and lists what they changed (from the record's history).

A page that edits a set of rows at once (the rounds' windows, the deadlines per action
type) carries the version of the set (``rows_version``: every row's id and ``updated_at``)
and claims the set (``claim_rows``) the same way.

django-concurrency was considered; it versions every ``save()`` of a model everywhere
(imports, tasks, bulk operations), where only people editing a form need the check.
"""

import hashlib
from datetime import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

FIELD = "edit_version"
NEW = "new"


class EditConflict(ValidationError):
    """Someone saved the record after this form was opened."""


def version_of(instance) -> str:
    """The token an edit form carries: the record's ``updated_at``, or "new" before it exists."""
    if instance is None or instance.pk is None:
        return NEW
    updated_at = getattr(instance, "updated_at", None)
    return updated_at.isoformat() if updated_at else ""


def add_version_field(form, instance=None):
    """Give ``form`` the hidden version field, checked when the form is validated.

    The check (``claim``) locks the record until the transaction ends, so the view must
    validate and save in one transaction (OptimisticLockMixin does it for a whole POST).
    """
    instance = instance if instance is not None else form.instance
    model, pk = type(instance), instance.pk
    form.fields[FIELD] = forms.CharField(
        widget=forms.HiddenInput, required=False, initial=version_of(instance)
    )

    def clean_version():
        token = form.cleaned_data.get(FIELD)
        try:
            claim(model, pk, token)
        except EditConflict as exc:
            form.add_error(None, exc)
        return token

    form.clean_edit_version = clean_version
    helper = getattr(form, "helper", None)
    if helper is not None:
        helper.render_hidden_fields = True
    return form


# Fields a person did not type: never listed as "changed meanwhile".
_NOT_SHOWN = {"updated_at", "created_at", "scope_path", "history_change_reason"}
_MAX_CHANGES = 8


def _shown(value) -> str:
    if value in (None, ""):
        return "—"
    text = str(value)
    return text if len(text) <= 40 else text[:39] + "…"


def changes_since(model, pk, version: datetime | None) -> list[str]:
    """What was saved to the record after ``version``: "field: before → after" per field,
    from its history (the save that wrote ``version`` against the latest)."""
    if version is None or pk is None or not hasattr(model, "history"):
        return []
    rows = list(model.history.filter(id=pk, history_date__gte=version).order_by("history_id")[:50])
    if len(rows) < 2:
        return []
    first, latest = rows[0], rows[-1]
    try:
        delta = latest.diff_against(first, excluded_fields=_NOT_SHOWN)
    except (TypeError, AttributeError):
        return []
    changes = []
    for change in delta.changes[:_MAX_CHANGES]:
        try:
            label = model._meta.get_field(change.field).verbose_name
        except Exception:  # noqa: BLE001 - a history-only field: its name is all there is
            label = change.field
        changes.append(f"{label}：{_shown(change.old)} → {_shown(change.new)}")
    return changes


def created_since(model, pk) -> list[str]:
    """What a record created after the form was opened (the form was "new") holds: each
    value that differs from a new record's default, from its latest history row."""
    if pk is None or not hasattr(model, "history"):
        return []
    latest = model.history.filter(id=pk).order_by("-history_id").first()
    if latest is None:
        return []
    changes = []
    for field in model._meta.concrete_fields:
        if field.primary_key or field.is_relation or not field.editable:
            continue
        if field.name in _NOT_SHOWN:
            continue
        value = getattr(latest, field.attname, None)
        if value == field.get_default():
            continue
        changes.append(f"{field.verbose_name}：— → {_shown(value)}")
    return changes[:_MAX_CHANGES]


def _conflict(model, pk, version: datetime | None = None, created: bool = False) -> EditConflict:
    latest = None
    if pk is not None and hasattr(model, "history"):
        latest = (
            model.history.filter(id=pk).select_related("history_user").order_by("-history_id")
        ).first()
    if latest is not None and latest.history_user is not None:
        message = ValidationError(
            _(
                "%(who)s saved this record at %(when)s, after you opened it. Your changes "
                "were not saved and theirs were not overwritten: open the record again, "
                "then make your changes."
            ),
            code="edit_conflict",
            params={
                "who": latest.history_user,
                "when": timezone.localtime(latest.history_date).strftime("%Y-%m-%d %H:%M:%S"),
            },
        )
    else:
        message = ValidationError(
            _(
                "Someone else saved this record after you opened it. Your changes were not "
                "saved and theirs were not overwritten: open the record again, then make "
                "your changes."
            ),
            code="edit_conflict",
        )
    messages = [message]
    changes = created_since(model, pk) if created else changes_since(model, pk, version)
    if changes:
        messages.append(
            ValidationError(
                _("Changed meanwhile: %(changes)s"),
                code="edit_conflict_changes",
                params={"changes": "；".join(changes)},
            )
        )
    return EditConflict(messages)


def conflict_with(model, pk) -> EditConflict:
    """The refusal of a save that lost a race to create the same record (a unique
    constraint): names who created it first."""
    return _conflict(model, pk)


def _missing_version() -> EditConflict:
    return EditConflict(
        _(
            "This form was sent without the version of the record it was opened at, so it "
            "cannot be checked against changes made meanwhile. Nothing was saved: open the "
            "page again, then make your changes."
        ),
        code="edit_version_missing",
    )


def claim(model: type[models.Model], pk, token: str | None) -> None:
    """Inside the caller's transaction: refuse (EditConflict) unless the record is still at
    ``token``. A missing token is refused too: a save is never left unchecked."""
    if not token:
        raise _missing_version()
    if token == NEW:
        if pk is not None:
            raise _conflict(model, pk, created=True)
        return
    try:
        version = datetime.fromisoformat(token)
    except ValueError as exc:
        raise _conflict(model, pk) from exc
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("claim() must run inside the transaction that saves the record.")
    # Same value written back: no change, but the row is locked until the save commits.
    found = model._base_manager.filter(pk=pk, updated_at=version).update(
        updated_at=models.F("updated_at")
    )
    if not found:
        raise _conflict(model, pk, version)


def rows_version(rows) -> str:
    """The version of a set of rows edited on one page: a digest of every row's id and
    ``updated_at`` ("none" for an empty set). Adding, changing or removing a row changes it."""
    keys = sorted((row.pk, row.updated_at.isoformat() if row.updated_at else "") for row in rows)
    if not keys:
        return "none"
    return hashlib.sha256(repr(keys).encode()).hexdigest()[:20]


def claim_rows(queryset, token: str | None, *, history_of: dict | None = None) -> None:
    """Inside the caller's transaction: lock the rows of ``queryset`` and refuse
    (EditConflict) unless they are still the set the page was opened with. ``history_of``
    (the set's filter, e.g. ``{"unit_id": …}``) finds who changed it, deleted rows too."""
    if not token:
        raise _missing_version()
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("claim_rows() must run inside the transaction that saves the rows.")
    rows = list(queryset.select_for_update())
    if rows_version(rows) == token:
        return
    model = queryset.model
    latest = None
    if history_of is not None and hasattr(model, "history"):
        latest = (
            model.history.filter(**history_of)
            .select_related("history_user")
            .order_by("-history_id")
            .first()
        )
    if latest is not None and latest.history_user is not None:
        raise EditConflict(
            _(
                "%(who)s changed these settings at %(when)s, after you opened the page. "
                "Your changes were not saved and theirs were not overwritten: the page now "
                "shows theirs; make your changes again."
            ),
            code="edit_conflict",
            params={
                "who": latest.history_user,
                "when": timezone.localtime(latest.history_date).strftime("%Y-%m-%d %H:%M:%S"),
            },
        )
    raise EditConflict(
        _(
            "Someone else changed these settings after you opened the page. Your changes "
            "were not saved and theirs were not overwritten: the page now shows theirs; make "
            "your changes again."
        ),
        code="edit_conflict",
    )


def add_rows_version_field(form, rows):
    """Give ``form`` the hidden version of the set of ``rows`` it edits; the view checks it
    with ``claim_rows`` in the transaction that saves."""
    form.fields[FIELD] = forms.CharField(
        widget=forms.HiddenInput, required=False, initial=rows_version(rows)
    )
    helper = getattr(form, "helper", None)
    if helper is not None:
        helper.render_hidden_fields = True
    return form


class OptimisticLockMixin:
    """For update views: the form carries the version, and a POST is one transaction in
    which the version is checked (while validating the form) and the record saved."""

    def get_form(self, form_class=None):
        return add_version_field(super().get_form(form_class))

    def dispatch(self, request, *args, **kwargs):
        if request.method == "POST":
            with transaction.atomic():
                return super().dispatch(request, *args, **kwargs)
        return super().dispatch(request, *args, **kwargs)
