"""Reads of the registry. ``visible_to`` is the only way a user's rows are selected."""

from django.db import models


class InstitutionQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Institutions and venues in the user's unit subtree; nothing for anyone else."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self.all()
        if user.unit_id is None:
            return self.none()
        # scope_path is the path of the institution's village (or township): one indexed
        # prefix match covers any depth of the tree without a join.
        return self.filter(scope_path__startswith=user.unit.path)

    def active(self):
        return self.filter(archived_at__isnull=True)

    def venues(self):
        return self.filter(registration_status="unregistered")

    def registered(self):
        return self.exclude(registration_status="unregistered")

    def for_list(self):
        return self.select_related("township", "village")
