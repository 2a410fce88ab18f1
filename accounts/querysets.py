"""Scoping of units and users: a user sees the subtree of their own unit and nothing else."""

from django.contrib.auth.models import UserManager as DjangoUserManager
from django.db import models

from core.scoping import visible_prefix


class OrgUnitQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Units in the user's subtree (their own unit included)."""
        return visible_prefix(self, user, "path")

    def townships(self):
        return self.filter(level="township")


class UserQuerySet(models.QuerySet):
    def visible_to(self, user):
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self.all()
        if user.unit_id is None:
            return self.filter(pk=user.pk)
        return self.filter(unit__path__startswith=user.unit.path)


class UserManager(DjangoUserManager.from_queryset(UserQuerySet)):
    pass
