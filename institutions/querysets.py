"""Reads of the registry. ``visible_to`` (``core.scoping``) is the only way a user's rows
are selected: an institution's ``scope_path`` is the path of its village or township."""

from core.asof import active_at, recorded_by
from core.scoping import ScopedQuerySet


class InstitutionQuerySet(ScopedQuerySet):
    def active(self):
        return self.filter(archived_at__isnull=True)

    def as_of(self, cutoff):
        """On the registry at ``cutoff``: entered by then and not archived then (None: now,
        ``active``)."""
        if cutoff is None:
            return self.active()
        return self.filter(recorded_by(cutoff), active_at(cutoff, self.model))

    def venues(self):
        return self.filter(registration_status="unregistered")

    def registered(self):
        return self.exclude(registration_status="unregistered")

    def for_list(self):
        return self.select_related("township", "village")
