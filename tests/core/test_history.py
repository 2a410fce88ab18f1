"""Change histories of every audited model: what a history keeps is what its page compares.

A model may keep fields out of its history (a pack's progress counter, a digest); a page
that compared a field the history does not have failed with a 500 as soon as a record had
two history rows. Checked here for every model with a history, a change of each field."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import models
from django.utils import timezone
from simple_history.models import registered_models

from core.history import display_value, entries_from, tracked_fields
from screening.models import ScreeningVisit

pytestmark = pytest.mark.django_db


def two_values(field):
    """Two different values a field can hold (the first two choices when it has choices)."""
    if field.choices:
        values = [value for value, _label in field.flatchoices][:2]
        return values if len(values) == 2 else [values[0], None]
    if isinstance(field, models.ForeignKey):
        return [1, 2]
    if isinstance(field, models.BooleanField):
        return [False, True]
    if isinstance(field, models.DateTimeField):
        moment = timezone.make_aware(datetime(2026, 11, 24, 9))
        return [moment, moment + timedelta(hours=1)]
    if isinstance(field, models.DateField):
        return [date(2026, 11, 24), date(2026, 11, 25)]
    if isinstance(field, models.DecimalField):
        return [Decimal("1"), Decimal("2")]
    if isinstance(field, models.IntegerField | models.FloatField):
        return [1, 2]
    if isinstance(field, models.JSONField):
        return [[], [1]]
    return ["甲", "乙"]


HISTORIES = sorted(registered_models.values(), key=lambda model: model._meta.label)


def test_every_audited_model_is_checked():
    labels = {model._meta.label for model in HISTORIES}
    assert {"institutions.Institution", "reporting.ReportRun", "risklists.Assessment"} <= labels
    assert len(labels) >= 25


@pytest.mark.parametrize("model", HISTORIES, ids=lambda model: model._meta.label)
def test_a_change_of_each_field_shows_and_nothing_the_history_lacks_is_read(model):
    history_model = model.history.model
    tracked = tracked_fields(model, history_model)
    kept = {f.attname for f in history_model._meta.concrete_fields}
    assert all(f.attname in kept for f in tracked)

    before, after = history_model(), history_model()
    for field in tracked:
        first, second = two_values(field)
        setattr(before, field.attname, first)
        setattr(after, field.attname, second)

    newest, oldest = entries_from(model, [before, after], tracked)

    assert oldest.changes == []
    assert len(newest.changes) == len(tracked)


def test_a_time_in_a_history_is_shown_in_shanghai_to_the_minute():
    field = ScreeningVisit._meta.get_field("submitted_at")
    moment = datetime(2026, 12, 6, 16, 3, 41, 35068, tzinfo=UTC)

    assert display_value(field, moment) == "2026-12-07 00:03"
    assert display_value(ScreeningVisit._meta.get_field("visited_on"), date(2026, 12, 6)) == (
        "2026-12-06"
    )
