"""The four colours of the risk list: the one vocabulary of levels for the whole project.

The engine (plain Python) names the levels and ranks them (``engine.LEVELS``, lowest
first, and ``engine.level_rank``); this module gives them their labels and Django choices,
their order on a page (most serious first) and their badge. Every app that speaks of a
level imports it from here.
"""

from django.db import models
from django.db.models import Case, IntegerField, Value, When
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from . import engine


class Level(models.TextChoices):
    RED = engine.RED, _("Red")
    ORANGE = engine.ORANGE, _("Orange")
    YELLOW = engine.YELLOW, _("Yellow")
    GREEN = engine.GREEN, _("Green")

    @property
    def rank(self) -> int:
        """0 for green up to 3 for red (``engine.level_rank``)."""
        return engine.level_rank(self.value)


# Most serious first: how lists, boards and tables order the levels.
LEVELS_DOWN: tuple[Level, ...] = tuple(Level)
# The red/orange/yellow list (区县方案 建立"红橙黄绿"风险管控名单: green is not on it).
LIST_LEVELS: tuple[Level, ...] = (Level.RED, Level.ORANGE, Level.YELLOW)


def rank(level: str) -> int:
    """A level's rank, -1 for none (an institution not rated yet): sorts below green."""
    return engine.level_rank(level) if level in engine.LEVELS else -1


def rank_expression(field_name: str = "level"):
    """The rank of a level column, in the database (to order a list by it)."""
    return Case(
        *[When(**{field_name: level}, then=Value(level.rank)) for level in Level],
        default=Value(-1),
        output_field=IntegerField(),
    )


def level_badge(level: str):
    """A coloured badge with the level's Chinese name beside the colour (not colour alone)."""
    if not level:
        return format_html('<span class="badge text-bg-light">{}</span>', _("Not rated"))
    return format_html(
        '<span class="badge level-badge level-{}">{}</span>', level, Level(level).label
    )
