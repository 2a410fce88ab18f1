"""The API's generic layer, as ``core.views`` is the pages': every queryset from the model's
``visible_to(request.user)``, a row of another unit is not found (404), and a write asks
the permission property the page asks."""

from django.contrib.auth.decorators import login_not_required
from rest_framework import viewsets

from ..pagination import Cursor


class OpenToKeys:
    """The project's LoginRequiredMiddleware sees no user before DRF has read the API key:
    the API's views authenticate themselves (401 without credentials, never a redirect)."""

    @classmethod
    def as_view(cls, *args, **kwargs):
        return login_not_required(super().as_view(*args, **kwargs))


class ScopedViewSet(OpenToKeys, viewsets.ReadOnlyModelViewSet):
    """List and detail of one model's rows visible to the caller."""

    select_related: tuple[str, ...] = ()
    prefetch_related: tuple[str, ...] = ()
    pagination_class = Cursor

    def get_queryset(self):
        queryset = self.queryset.model.objects.visible_to(self.request.user)
        if self.select_related:
            queryset = queryset.select_related(*self.select_related)
        if self.prefetch_related:
            queryset = queryset.prefetch_related(*self.prefetch_related)
        return queryset
