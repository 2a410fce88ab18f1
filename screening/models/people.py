"""Investors, legal representatives and principals, with their roles over time.

Roles carry start and end dates, so a change of legal representative is a fact the
system counts (区县方案: 频繁变更法定代表人) rather than a number someone types.
"""

import unicodedata

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.scoping import ScopedModel, ScopedQuerySet
from core.validators import validate_phone
from institutions.validators import validate_id_number


def normalise_name(value: str) -> str:
    """Name as compared when matching: NFKC, no spaces or punctuation, upper case."""
    value = unicodedata.normalize("NFKC", value or "")
    return "".join(ch for ch in value if ch.isalnum()).upper()


class PersonQuerySet(ScopedQuerySet):
    def visible_to(self, user):
        # A person is seen by whoever sees one of the institutions they hold a role in,
        # or the unit that recorded them.
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self.all()
        if user.unit_id is None:
            return self.none()
        prefix = user.unit.path
        return self.filter(
            models.Q(scope_path__startswith=prefix)
            | models.Q(
                pk__in=PersonRole.objects.filter(scope_path__startswith=prefix).values("person_id")
            )
        )


class Person(ScopedModel):
    name = models.CharField(_("name"), max_length=50)
    normalised_name = models.CharField(max_length=50, editable=False, db_index=True)
    id_number = models.CharField(
        _("citizen ID number"),
        max_length=18,
        blank=True,
        db_index=True,
        validators=[validate_id_number],
    )
    phone = models.CharField(_("phone"), max_length=32, blank=True, validators=[validate_phone])
    unit = models.ForeignKey(
        "accounts.OrgUnit",
        verbose_name=_("recorded by unit"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    notes = models.CharField(_("notes"), max_length=255, blank=True)
    # A unit typed an ID number that a person outside its subtree already carries under
    # another name. Refusing would tell it the number exists elsewhere (issue 19, finding 1),
    # so the record is kept beside the other one, marked for the unit that sees both.
    id_number_disputed = models.BooleanField(
        _("ID number disputed"),
        default=False,
        editable=False,
        help_text=_(
            "Another person on record outside the unit that entered this one carries the same "
            "ID number under another name."
        ),
    )

    history = HistoricalRecords(excluded_fields=["scope_path", "updated_at", "normalised_name"])
    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("persons")
        ordering = ["normalised_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["id_number"],
                condition=~models.Q(id_number="") & models.Q(id_number_disputed=False),
                name="unique_person_id_number_when_given",
            )
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.id_number = (self.id_number or "").strip().upper()
        self.normalised_name = normalise_name(self.name)
        super().save(*args, **kwargs)


class PersonRoleKind(models.TextChoices):
    INVESTOR = "investor", _("Investor")
    LEGAL_REPRESENTATIVE = "legal_representative", _("Legal representative")
    PRINCIPAL = "principal", _("Principal")


class PersonRole(ScopedModel):
    institution = models.ForeignKey(
        "institutions.Institution",
        verbose_name=_("institution"),
        on_delete=models.PROTECT,
        related_name="person_roles",
    )
    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="roles"
    )
    kind = models.CharField(_("role"), max_length=32, choices=PersonRoleKind.choices)
    started_on = models.DateField(_("from"), null=True, blank=True)
    ended_on = models.DateField(_("until"), null=True, blank=True)
    share_percent = models.DecimalField(
        _("share (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )

    history = HistoricalRecords(excluded_fields=["scope_path", "updated_at"])

    class Meta:
        verbose_name = _("role of a person")
        verbose_name_plural = _("roles of persons")
        ordering = ["institution", "kind", "-started_on"]
        indexes = [models.Index(fields=["institution", "kind", "started_on"])]

    def __str__(self):
        return f"{self.person} · {self.get_kind_display()}"

    @property
    def is_current(self) -> bool:
        return self.ended_on is None

    def clean(self):
        if self.started_on and self.ended_on and self.ended_on < self.started_on:
            raise ValidationError({"ended_on": _("The end date is before the start date.")})


class ProposalStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for a decision")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")


class PersonChangeProposalQuerySet(ScopedQuerySet):
    def visible_to(self, user):
        """The proposing unit sees its proposals (their scope is the role it edited); the
        deciding unit, the lowest that sees all the person's roles, sees those it decides."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self.all()
        if user.unit_id is None:
            return self.none()
        prefix = user.unit.path
        return self.filter(
            models.Q(scope_path__startswith=prefix) | models.Q(decider_path__startswith=prefix)
        )

    def pending(self):
        return self.filter(status=ProposalStatus.PENDING)


class PersonChangeProposal(ScopedModel):
    """A correction of a person's name, ID number or phone typed by a unit that does not see
    all of the person's roles (issue 19, finding 1): applied only when the unit that sees
    them all accepts it."""

    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="proposals"
    )
    role = models.ForeignKey(
        PersonRole,
        verbose_name=_("role edited"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    decider = models.ForeignKey(
        "accounts.OrgUnit",
        verbose_name=_("decided by unit"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    decider_path = models.CharField(max_length=255, editable=False, db_index=True)
    name = models.CharField(_("proposed name"), max_length=50)
    id_number = models.CharField(
        _("proposed ID number"), max_length=18, blank=True, validators=[validate_id_number]
    )
    phone = models.CharField(
        _("proposed phone"), max_length=32, blank=True, validators=[validate_phone]
    )
    was_name = models.CharField(_("name before"), max_length=50)
    was_id_number = models.CharField(_("ID number before"), max_length=18, blank=True)
    was_phone = models.CharField(_("phone before"), max_length=32, blank=True)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=ProposalStatus.choices,
        default=ProposalStatus.PENDING,
        db_index=True,
    )
    decided_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_reason = models.CharField(_("reason"), max_length=255, blank=True)

    history = HistoricalRecords(excluded_fields=["scope_path", "updated_at", "decider_path"])
    objects = PersonChangeProposalQuerySet.as_manager()

    class Meta:
        verbose_name = _("proposed correction of a person")
        verbose_name_plural = _("proposed corrections of persons")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.was_name} → {self.name}"

    def scope_source(self):
        return self.role.scope_path

    def save(self, *args, **kwargs):
        self.decider_path = self.decider.path
        super().save(*args, **kwargs)
