"""Optimistic locking: two people edit the same record, the second save is refused.

The version of a record is its ``updated_at`` (every edited model has one, set on each
save): an edit form carries the version it was opened at in a hidden field, and the save
first runs ``UPDATE … WHERE id = %s AND updated_at = <that version>``. The UPDATE takes the
row's lock until the transaction ends (PostgreSQL re-reads the row after waiting for a
concurrent writer; SQLite serialises writers), so of two concurrent saves exactly one
finds its version. The other is refused with a message saying who saved first; nothing is
overwritten silently. No model change and no migration: a field that already exists.

django-concurrency was considered; it versions every ``save()`` of a model everywhere
(imports, tasks, bulk operations), where only people editing a form need the check.
"""

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


def _conflict(model, pk) -> EditConflict:
    latest = None
    if pk is not None and hasattr(model, "history"):
        latest = (
            model.history.filter(id=pk).select_related("history_user").order_by("-history_id")
        ).first()
    if latest is not None and latest.history_user is not None:
        return EditConflict(
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
    return EditConflict(
        _(
            "Someone else saved this record after you opened it. Your changes were not "
            "saved and theirs were not overwritten: open the record again, then make your "
            "changes."
        ),
        code="edit_conflict",
    )


def claim(model: type[models.Model], pk, token: str | None) -> None:
    """Inside the caller's transaction: refuse (EditConflict) unless the record is still at
    ``token``. An empty token (a form that does not carry the field) is not checked."""
    if not token:
        return
    if token == NEW:
        if pk is not None:
            raise _conflict(model, pk)
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
        raise _conflict(model, pk)


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
