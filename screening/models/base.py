"""Scoping shared by every screening record."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ScopedQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Rows in the user's unit subtree, by the denormalised ``scope_path``."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self.all()
        if user.unit_id is None:
            return self.none()
        return self.filter(scope_path__startswith=user.unit.path)


class ScopedModel(models.Model):
    """A record that belongs to an institution; it is seen where the institution is seen.

    ``scope_path`` is the institution's scope path, copied on save, so scoping needs no
    join; records not (yet) linked to an institution fall back to ``unit`` (the township
    or county that recorded or imported them).
    """

    scope_path = models.CharField(max_length=255, editable=False, db_index=True, default="")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        abstract = True

    def scope_source(self):
        """The row whose path scopes this one: the institution, else the owning unit."""
        institution = getattr(self, "institution", None)
        if institution is not None:
            return institution.scope_path
        unit = getattr(self, "unit", None)
        return unit.path if unit is not None else ""

    def save(self, *args, **kwargs):
        self.scope_path = self.scope_source()
        super().save(*args, **kwargs)
