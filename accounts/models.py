"""Organisation units (a tree of any depth) and users with one unit and one role."""

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.validators import validate_phone

from .querysets import OrgUnitQuerySet, UserManager


class UnitLevel(models.TextChoices):
    PROVINCE = "province", _("Province")
    CITY = "city", _("City")
    COUNTY = "county", _("County / district")
    TOWNSHIP = "township", _("Township / street")
    VILLAGE = "village", _("Village / community")


LEVEL_ORDER = [choice.value for choice in UnitLevel]


def path_ids(path: str) -> list[int]:
    """The unit ids of a materialised path, root first: "/1/4/17/" → [1, 4, 17]."""
    return [int(part) for part in (path or "").strip("/").split("/") if part]


class OrgUnit(models.Model):
    """A node of the administrative tree (province → city → county → township → village).

    ``path`` is a materialised path of primary keys ("/1/4/17/") so that a subtree is one
    indexed prefix filter, whatever the depth; it is maintained on save.
    """

    code = models.CharField(
        _("administrative division code"), max_length=12, blank=True, db_index=True
    )
    name = models.CharField(_("name"), max_length=100)
    level = models.CharField(_("level"), max_length=16, choices=UnitLevel.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(max_length=255, editable=False, db_index=True, default="")

    # Who created, renamed or moved a unit (the path follows the parent, so it is not kept).
    history = HistoricalRecords(excluded_fields=["path"])
    objects = OrgUnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("organisation unit")
        verbose_name_plural = _("organisation units")
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="unique_unit_name_in_parent")
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if self.parent_id and self.pk and f"/{self.pk}/" in self.parent.path:
            raise ValidationError({"parent": _("A unit cannot be placed under itself.")})
        if self.parent and LEVEL_ORDER.index(self.level) <= LEVEL_ORDER.index(self.parent.level):
            raise ValidationError({"level": _("A unit must be below the level of its parent.")})

    def save(self, *args, **kwargs):
        with transaction.atomic():
            if self.pk is None:
                super().save(*args, **kwargs)
                kwargs.pop("force_insert", None)
                self.path = self._compute_path()
                super().save(update_fields=["path"])
                return
            old_path = type(self).objects.filter(pk=self.pk).values_list("path", flat=True).first()
            self.path = self._compute_path()
            super().save(*args, **kwargs)
            if old_path and old_path != self.path:
                self._move_descendants(old_path)

    def _compute_path(self):
        prefix = self.parent.path if self.parent_id else "/"
        return f"{prefix}{self.pk}/"

    def _move_descendants(self, old_path):
        # A moved unit takes its whole subtree along; scoped rows follow their unit's path.
        descendants = type(self).objects.filter(path__startswith=old_path).exclude(pk=self.pk)
        for unit in descendants:
            unit.path = self.path + unit.path[len(old_path) :]
        type(self).objects.bulk_update(descendants, ["path"])
        from core.scoping import refresh_scope_paths

        refresh_scope_paths(old_path, self.path)

    def is_within(self, other: "OrgUnit") -> bool:
        return self.path.startswith(other.path)

    @property
    def bureau_name(self) -> str:
        """The civil-affairs office that files this unit's reports, as its seal reads:
        衡山县 → 衡山县民政局, 湖南省 → 湖南省民政厅. A township files as itself, and a name
        that already is an office's (…民政局) is kept."""
        if "民政" in self.name:
            return self.name
        if self.level == UnitLevel.PROVINCE:
            return _("%(unit)s Department of Civil Affairs") % {"unit": self.name}
        if self.level in (UnitLevel.CITY, UnitLevel.COUNTY):
            return _("%(unit)s Civil Affairs Bureau") % {"unit": self.name}
        return self.name

    @cached_property
    def township(self):
        """The township/street this unit belongs to (itself when it is one)."""
        if self.level == UnitLevel.TOWNSHIP:
            return self
        if self.level == UnitLevel.VILLAGE and self.parent_id:
            return self.parent
        return None


class Role(models.TextChoices):
    TOWNSHIP_STAFF = "township_staff", _("Township staff")
    COUNTY_REVIEWER = "county_reviewer", _("County elder-care section")
    LEADER = "leader", _("Leader (read only)")
    ADMINISTRATOR = "administrator", _("Administrator")


class User(AbstractUser):
    """A person with one unit (they see its subtree) and one role (what they may do)."""

    unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    role = models.CharField(
        _("role"), max_length=32, choices=Role.choices, default=Role.TOWNSHIP_STAFF
    )
    phone = models.CharField(_("phone"), max_length=32, blank=True, validators=[validate_phone])
    must_change_password = models.BooleanField(
        _("must change password"),
        default=False,
        help_text=_(
            "Set when an administrator creates the account or resets its password: the user "
            "chooses their own password before anything else."
        ),
    )
    # Another system (the province's platform, a field app, a robot) calling the API with
    # keys the county section issues (api/): a unit and a role like a person, so it sees and
    # may do what such a person would; it has no password and never opens the pages.
    is_system_account = models.BooleanField(_("system account"), default=False)

    # Who gave whom which unit, role or rights; never the password hash.
    history = HistoricalRecords(excluded_fields=["password", "last_login"])
    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        full = f"{self.last_name}{self.first_name}".strip()
        return full or self.username

    @property
    def display_name(self):
        return str(self)

    # What a role may do. Views ask these, never the role string.
    @property
    def can_edit_registry(self) -> bool:
        return self.is_superuser or self.role in {Role.TOWNSHIP_STAFF, Role.COUNTY_REVIEWER}

    @property
    def can_review(self) -> bool:
        return self.is_superuser or self.role == Role.COUNTY_REVIEWER

    @property
    def sees_personal_data(self) -> bool:
        """ID numbers and phones in full: those who visit and those who act on risks."""
        return self.is_superuser or self.role in {Role.TOWNSHIP_STAFF, Role.COUNTY_REVIEWER}

    @property
    def is_county_level(self) -> bool:
        return self.is_superuser or (
            self.unit is not None
            and self.unit.level in {UnitLevel.PROVINCE, UnitLevel.CITY, UnitLevel.COUNTY}
        )

    @property
    def can_manage_api_keys(self) -> bool:
        """The county section issues and revokes the API keys of its subtree's systems."""
        return self.can_review and self.is_county_level and not self.is_system_account
