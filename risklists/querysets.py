"""Reads of the rating. ``visible_to`` is the only way a user's rows are selected."""

from django.db import models

from accounts.models import path_ids
from core.scoping import ScopedQuerySet


class ThresholdVersionQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Versions of the user's unit, its ancestors (they apply to it) and its subtree."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self.all()
        if user.unit_id is None:
            return self.none()
        return self.filter(
            models.Q(unit_id__in=path_ids(user.unit.path))
            | models.Q(unit__path__startswith=user.unit.path)
        )

    def latest_by_unit(self) -> dict:
        """``{unit_id: latest version}`` in one query (versions are few: a handful a year)."""
        latest = {}
        for version in self.order_by("unit_id", "-number"):
            latest.setdefault(version.unit_id, version)
        return latest

    def in_force_for_path(self, path: str):
        """The latest version of the deepest unit on ``path`` that has one; None: defaults."""
        ids = path_ids(path)
        if not ids:
            return None
        latest = self.filter(unit_id__in=ids).latest_by_unit()
        for unit_id in reversed(ids):
            if unit_id in latest:
                return latest[unit_id]
        return None


def in_force(latest_by_unit: dict, path: str):
    """The version in force for a unit path, from ``latest_by_unit()`` (no query)."""
    for unit_id in reversed(path_ids(path)):
        if unit_id in latest_by_unit:
            return latest_by_unit[unit_id]
    return None


class AssessmentQuerySet(ScopedQuerySet):
    def for_display(self):
        return self.select_related(
            "institution__township",
            "threshold_version",
            "submitted_by",
            "reviewed_by",
            "overridden_by",
        )


class LevelChangeQuerySet(models.QuerySet):
    def visible_to(self, user):
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self.all()
        if user.unit_id is None:
            return self.none()
        return self.filter(institution__scope_path__startswith=user.unit.path)
