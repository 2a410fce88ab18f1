"""Reads of the unit tree that need thought."""

from .models import OrgUnit


def visible_townships(user) -> list[OrgUnit]:
    """The townships a user's pages have rows for; a village user gets their township's row."""
    # In the order of the administrative division codes, as the statistics list them.
    townships = list(OrgUnit.objects.visible_to(user).townships().order_by("code", "name"))
    if not townships and user.unit_id and user.unit.township is not None:
        townships = [user.unit.township]
    return townships
