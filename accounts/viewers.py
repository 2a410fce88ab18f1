"""Reading data as a unit rather than as a person.

A pack of spreadsheets, or a township's weekly figures, must not depend on who asked for
them, and Celery beat has nobody to ask. ``UnitViewer`` answers what ``visible_to`` and the
masking of personal data ask of a user — the unit's subtree, personal data masked — and may
do nothing else: every permission is False.
"""

from dataclasses import dataclass

from .models import OrgUnit, Role, UnitLevel


@dataclass(frozen=True)
class UnitViewer:
    unit: OrgUnit
    role: str = Role.LEADER
    is_authenticated: bool = True
    is_superuser: bool = False
    is_staff: bool = False
    is_active: bool = True
    pk: None = None
    id: None = None
    can_edit_registry: bool = False
    can_review: bool = False
    sees_personal_data: bool = False

    @property
    def unit_id(self) -> int:
        return self.unit.pk

    @property
    def is_county_level(self) -> bool:
        return self.unit.level in (UnitLevel.PROVINCE, UnitLevel.CITY, UnitLevel.COUNTY)

    def __str__(self):
        return self.unit.name
