"""Readable change history (who, when, what) from django-simple-history records.

Differences are computed in memory between consecutive records, and foreign keys are
resolved with one query per related model, so a long history costs a constant number of
queries.
"""

from dataclasses import dataclass, field
from datetime import date, datetime

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


@dataclass
class Change:
    label: str
    old: str
    new: str


@dataclass
class HistoryEntry:
    record: object
    changes: list[Change] = field(default_factory=list)

    @property
    def kind(self):
        return self.record.history_type


def display_value(model_field, value) -> str:
    """A field's value as a person reads it: the choice's label, 是/否, a time in Asia/Shanghai
    to the minute, a date as 2026-12-06; "—" for nothing."""
    if value in (None, ""):
        return "—"
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(model_field, models.BooleanField):
        return str(_("Yes") if value else _("No"))
    if isinstance(value, datetime):
        moment = timezone.localtime(value) if timezone.is_aware(value) else value
        return moment.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.strftime("%Y-%m-%d")
    return str(value)


def _display(model_field, value, related_names):
    if value not in (None, "") and isinstance(model_field, models.ForeignKey):
        return related_names.get((model_field.related_model, value), str(value))
    return display_value(model_field, value)


def tracked_fields(model, history_model, excluded=()) -> list:
    """The fields of ``model`` whose changes a history row can show: those its history keeps
    (a model may exclude some from its history, such as a progress counter), editable, not
    the primary key, and not ``excluded``."""
    kept = {f.attname for f in history_model._meta.concrete_fields}
    return [
        f
        for f in model._meta.concrete_fields
        if f.attname in kept and f.name not in excluded and f.name != "id" and f.editable
    ]


def history_entries(model, history_queryset, excluded=()) -> list[HistoryEntry]:
    """Newest first; each entry lists the fields that changed from the record before it."""
    records = list(history_queryset.select_related("history_user").order_by("history_date", "pk"))
    return entries_from(model, records, tracked_fields(model, history_queryset.model, excluded))


def entries_from(model, records: list, tracked: list) -> list[HistoryEntry]:
    """The entries of ``records`` (oldest first), comparing the ``tracked`` fields."""
    # Resolve every foreign key value seen in the history with one query per related model.
    wanted: dict[type, set] = {}
    for f in tracked:
        if isinstance(f, models.ForeignKey):
            ids = {getattr(r, f.attname) for r in records} - {None}
            if ids:
                wanted.setdefault(f.related_model, set()).update(ids)
    related_names = {}
    for related_model, ids in wanted.items():
        for obj in related_model._default_manager.filter(pk__in=ids):
            related_names[(related_model, obj.pk)] = str(obj)

    entries = []
    previous = None
    for record in records:
        entry = HistoryEntry(record)
        if previous is not None:
            for f in tracked:
                old, new = getattr(previous, f.attname), getattr(record, f.attname)
                if old != new:
                    entry.changes.append(
                        Change(
                            str(f.verbose_name),
                            _display(f, old, related_names),
                            _display(f, new, related_names),
                        )
                    )
        entries.append(entry)
        previous = record
    entries.reverse()
    return entries
