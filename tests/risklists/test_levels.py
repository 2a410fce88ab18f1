"""One vocabulary of levels for the whole project: declared once, ranked once."""

from django.apps import apps
from django.db import models

from risklists import engine
from risklists.levels import LEVELS_DOWN, LIST_LEVELS, Level, level_badge, rank


def test_the_choices_are_the_engines_levels_most_serious_first():
    assert [level.value for level in LEVELS_DOWN] == list(reversed(engine.LEVELS))
    assert [level.rank for level in Level] == [3, 2, 1, 0]
    assert LIST_LEVELS == (Level.RED, Level.ORANGE, Level.YELLOW)
    assert rank("") == -1 and rank("red") == 3


def test_every_level_field_of_every_app_uses_the_one_vocabulary():
    level_fields = [
        field
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if isinstance(field, models.CharField)
        and field.choices
        and {value for value, _label in field.flatchoices} & {"red", "orange"}
    ]

    assert len(level_fields) >= 6  # assessments, ratings, level changes, disposal, reports
    for field in level_fields:
        assert list(field.choices) == list(Level.choices), field


def test_no_other_module_declares_the_colours():
    declared = [
        f"{choices.__module__}.{choices.__qualname__}"
        for choices in models.TextChoices.__subclasses__()
        if {"red", "orange", "yellow", "green"} <= set(choices.values)
    ]
    assert declared == ["risklists.levels.Level"]


def test_a_badge_names_the_level_beside_its_colour():
    assert "level-red" in level_badge("red") and str(Level.RED.label) in level_badge("red")
    assert "level-" not in level_badge("")
