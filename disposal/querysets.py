"""Reads of disposal rows. ``visible_to`` (from screening's ScopedQuerySet) is the only way a
user's rows are selected; the rest names the states the boards and lists ask for."""

from datetime import date, timedelta

from django.db import models

from accounts.models import path_ids
from core.scoping import ScopedQuerySet

OPEN_STATUSES = ("open", "in_progress")


def end_of_week(today: date) -> date:
    """The Sunday of ``today``'s week (a week runs Monday to Sunday)."""
    return today + timedelta(days=6 - today.weekday())


class DisposalActionQuerySet(ScopedQuerySet):
    def open(self):
        return self.filter(status__in=OPEN_STATUSES)

    def overdue(self, today: date):
        return self.open().filter(deadline__lt=today)

    def due_this_week(self, today: date):
        return self.open().filter(deadline__gte=today, deadline__lte=end_of_week(today))

    def level_lowered(self):
        return self.open().filter(level_lowered_on__isnull=False)

    def unassigned(self):
        return self.open().filter(responsible_user__isnull=True, responsible_name="")

    def for_list(self):
        return self.select_related(
            "institution", "institution__township", "case", "responsible_user"
        )


class DeadlineSettingQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Settings of the user's unit, its subtree and its ancestors (a township reads the
        county's defaults; only the county section changes them)."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self.all()
        if user.unit_id is None:
            return self.none()
        path = user.unit.path
        ancestors = path_ids(path)
        return self.filter(models.Q(unit__path__startswith=path) | models.Q(unit_id__in=ancestors))
