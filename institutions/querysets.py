"""Reads of the registry. ``visible_to`` (``core.scoping``) is the only way a user's rows
are selected: an institution's ``scope_path`` is the path of its village or township."""

from core.scoping import ScopedQuerySet


class InstitutionQuerySet(ScopedQuerySet):
    def active(self):
        return self.filter(archived_at__isnull=True)

    def venues(self):
        return self.filter(registration_status="unregistered")

    def registered(self):
        return self.exclude(registration_status="unregistered")

    def for_list(self):
        return self.select_related("township", "village")
