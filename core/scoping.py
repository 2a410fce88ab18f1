"""Scoping: every record a user may see is found by one indexed prefix on a path.

A unit's ``path`` is a materialised path of primary keys ("/1/4/17/"); every scoped record
carries a denormalised copy of the path it belongs under (``scope_path``): its
institution's, or the unit that recorded it. ``visible_to(user)`` is then a single
``scope_path LIKE 'user-unit-path%'`` whatever the depth of the tree, and a record of
another township is simply not found (404).

This module imports no app: the user only needs ``is_authenticated``, ``is_superuser`` and
``unit.path``, and the models that carry a scope are found by their ``scope_path`` field.
"""

from django.apps import apps
from django.conf import settings
from django.db import models
from django.db.models import Value
from django.db.models.functions import Concat, Substr
from django.utils.translation import gettext_lazy as _


def visible_prefix(queryset, user, field: str = "scope_path"):
    """``queryset`` cut to the user's unit subtree: everything for a superuser, nothing for
    an anonymous user or an account without a unit."""
    if not user.is_authenticated:
        return queryset.none()
    if user.is_superuser:
        return queryset.all()
    if user.unit_id is None:
        return queryset.none()
    return queryset.filter(**{f"{field}__startswith": user.unit.path})


def visibility_key(user) -> tuple:
    """What ``visible_prefix`` cuts by, for a user: users with the same key see the same rows
    (``core.db.fetch_shaped`` keeps one compiled statement for them)."""
    if not user.is_authenticated:
        return ("anonymous",)
    if user.is_superuser:
        return ("superuser",)
    if user.unit_id is None:
        return ("no unit",)
    return ("unit", user.unit.path)


class ScopedQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Rows in the user's unit subtree, by the denormalised ``scope_path``."""
        return visible_prefix(self, user)


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

    # False for a record that names an institution but belongs to the unit that recorded it
    # (a publicity activity a township held there): it stays when the institution moves.
    moves_with_institution = True

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


# --- moving scoped rows --------------------------------------------------------------------


def scoped_models():
    """Every model scoped by a denormalised ``scope_path`` (institutions and their records)."""
    return [
        model
        for model in apps.get_models()
        if any(f.name == "scope_path" for f in model._meta.concrete_fields)
        and not model.__name__.startswith("Historical")
    ]


def refresh_scope_paths(old_prefix: str, new_prefix: str) -> None:
    """After a unit moves in the tree, move every scoped row below it along."""
    for model in scoped_models():
        model._base_manager.filter(scope_path__startswith=old_prefix).update(
            scope_path=Concat(Value(new_prefix), Substr("scope_path", len(old_prefix) + 1))
        )


def propagate_scope(owner) -> None:
    """``owner`` (an institution) moved to another unit: the records that belong to it, and
    the records that belong to one of those (a visit's interviews and photos), take its new
    ``scope_path``."""
    owner_model = type(owner)
    models_in_scope = scoped_models()

    def links_to_owner(model) -> list[str]:
        return [
            f.name
            for f in model._meta.concrete_fields
            if f.is_relation and f.related_model is owner_model
        ]

    for model in models_in_scope:
        if not getattr(model, "moves_with_institution", True):
            continue
        lookups = links_to_owner(model)
        for f in model._meta.concrete_fields:
            if (
                f.is_relation
                and f.related_model in models_in_scope
                and f.related_model is not model
            ):
                lookups += [f"{f.name}__{name}" for name in links_to_owner(f.related_model)]
        for lookup in lookups:
            model._base_manager.filter(**{lookup: owner}).update(scope_path=owner.scope_path)
