"""The admin site within the administrator's own subtree.

A unit's administrator who is not a superuser manages what lies inside their unit's subtree
and nothing else: the rows the admin lists are cut by ``visible_to`` (each admin's
``get_queryset``), and every foreign key they can choose (a user's unit, a unit's parent, an
institution's township) is cut the same way, so a form posted with a unit of another county
fails validation like an unknown id. Only a superuser sees and chooses everything.

The history pages of django-simple-history find a record by its id without asking the
admin's queryset (the list page falls back to the history of any id, the version page never
asks): here they answer 404 for a record outside the subtree, like the change page.

This module imports no app: a related model is scoped when its default manager has
``visible_to(user)``.
"""

from django.contrib.admin.utils import unquote
from django.http import Http404


def subtree_choices(db_field, request):
    """The rows of ``db_field``'s related model the request's user may choose, or None when
    the field needs no cut (a superuser, or a model that is not scoped)."""
    manager = db_field.related_model._default_manager
    if request.user.is_superuser or not hasattr(manager, "visible_to"):
        return None
    return manager.visible_to(request.user)


class SubtreeAdminMixin:
    """Foreign keys offer (and accept) only rows of the user's subtree; history pages open
    only for rows of it."""

    def _require_in_queryset(self, request, object_id):
        if request.user.is_superuser:
            return
        if not self.get_queryset(request).filter(pk=unquote(object_id)).exists():
            raise Http404

    def history_view(self, request, object_id, extra_context=None):
        self._require_in_queryset(request, object_id)
        return super().history_view(request, object_id, extra_context=extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self._require_in_queryset(request, object_id)
        return super().history_form_view(
            request, object_id, version_id, extra_context=extra_context
        )

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        queryset = subtree_choices(db_field, request)
        if queryset is not None and "queryset" not in kwargs:
            kwargs["queryset"] = queryset
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        queryset = subtree_choices(db_field, request)
        if queryset is not None and "queryset" not in kwargs:
            kwargs["queryset"] = queryset
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class SuperuserOnlyAdminMixin:
    """A model only a superuser may see or change in the admin, whatever the permissions a
    group grants: the schedules of the periodic tasks run for every county at once."""

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_add_permission(self, request, *args):
        return request.user.is_active and request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser


def restrict_to_superusers(site, app_label: str) -> None:
    """Re-register every model of ``app_label`` on ``site`` with its own admin class made
    superuser-only (a third-party app's admin, such as django_celery_beat's)."""
    for model, model_admin in list(site._registry.items()):
        if model._meta.app_label != app_label:
            continue
        restricted = type(
            f"SuperuserOnly{type(model_admin).__name__}",
            (SuperuserOnlyAdminMixin, type(model_admin)),
            {},
        )
        site.unregister(model)
        site.register(model, restricted)
