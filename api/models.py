"""API keys: how another system signs its requests as one of the county's system accounts.

A key belongs to a system account (``accounts.User`` with ``is_system_account``), which has
a unit and a role like a person: what the key may read and do is what that account may on
the pages, by the same ``visible_to`` and the same permission properties. Keys are stored
hashed (djangorestframework-api-key: a short public prefix to find the row, a SHA-512 of
the whole key to check it), shown once when issued, and revoked rather than deleted.
"""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from rest_framework_api_key.models import AbstractAPIKey, BaseAPIKeyManager

from core import clock

# The last use is written at most once a minute per key: an hourly robot's use is seen, and a
# busy client does not write a row for every request it makes.
LAST_USED_PRECISION = timedelta(minutes=1)


class ApiKeyQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Keys of the system accounts in the user's unit subtree."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self.all()
        if user.unit_id is None:
            return self.none()
        return self.filter(account__unit__path__startswith=user.unit.path)


class ApiKeyManager(BaseAPIKeyManager.from_queryset(ApiKeyQuerySet)):
    def get_usable_keys(self):
        """Not revoked, not expired, of an active system account."""
        return (
            self.filter(revoked=False, account__is_active=True, account__is_system_account=True)
            .filter(Q(expiry_date__isnull=True) | Q(expiry_date__gt=clock.now()))
            .select_related("account__unit")
        )


class ApiKey(AbstractAPIKey):
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("system account"),
        on_delete=models.PROTECT,
        related_name="api_keys",
        limit_choices_to={"is_system_account": True},
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("revoked by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = ApiKeyManager()

    class Meta(AbstractAPIKey.Meta):
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    def touch(self, now=None) -> None:
        """Record a use, at most once a minute (one UPDATE, only when the minute has passed)."""
        now = now or clock.now()
        if self.last_used_at and now - self.last_used_at < LAST_USED_PRECISION:
            return
        type(self).objects.filter(pk=self.pk).filter(
            Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - LAST_USED_PRECISION)
        ).update(last_used_at=now)
        self.last_used_at = now
