"""The generic view layer every app declares its pages with (after NetBox's generic views).

Every queryset comes from the model's ``visible_to(user)``; a record outside the user's
unit subtree is simply not found (404). Apps' views only declare model, table, filterset,
form and template.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect, JsonResponse
from django.utils.translation import gettext_lazy as _
from django.views.generic import CreateView, DetailView, UpdateView
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from . import exports, formkeeping, outbox
from .concurrency import OptimisticLockMixin


class ScopedQuerysetMixin:
    """The one place a view obtains its rows: ``Model.objects.visible_to(user)``."""

    model = None
    select_related: tuple[str, ...] = ()
    prefetch_related: tuple[str, ...] = ()

    def get_queryset(self):
        queryset = self.model.objects.visible_to(self.request.user)
        if self.select_related:
            queryset = queryset.select_related(*self.select_related)
        if self.prefetch_related:
            queryset = queryset.prefetch_related(*self.prefetch_related)
        return queryset


class PermissionRequiredMixin:
    """Refuse (403) users whose role lacks ``permission`` (a boolean property of User)."""

    permission: str | None = None

    def dispatch(self, request, *args, **kwargs):
        if self.permission and not getattr(request.user, self.permission, False):
            raise PermissionDenied(_("Your role does not allow this."))
        return super().dispatch(request, *args, **kwargs)


class ObjectListView(ScopedQuerysetMixin, SingleTableMixin, FilterView):
    """A filtered, sorted, paginated list. Routed again with ``as_view(export=True)`` (name:
    the list's with ``_export``), it answers the same rows, all pages, as .xlsx."""

    template_name = "core/object_list.html"
    paginate_by = 25
    title = ""
    export = False
    export_name = ""  # the file's name, in Chinese for what the list is (养老机构和场所名单)

    def get(self, request, *args, **kwargs):
        if not self.export:
            return super().get(request, *args, **kwargs)
        self.filterset = self.get_filterset(self.get_filterset_class())
        if not self.filterset.is_bound or self.filterset.is_valid() or not self.get_strict():
            self.object_list = self.filterset.qs
        else:
            self.object_list = self.filterset.queryset.none()
        table = self.get_table(**self.get_table_kwargs())
        title = self.title or self.model._meta.verbose_name_plural
        return exports.table_response(
            table, title=title, name=self.export_name or str(title), user=request.user
        )

    def get_table_pagination(self, table):
        return False if self.export else super().get_table_pagination(table)

    def paginate_queryset(self, queryset, page_size):
        """The table pages the rows (``table.paginator``, in the template). ListView's own
        paginator, which nothing reads, would count the rows a second time."""
        return None, None, queryset, False

    def get_filterset_kwargs(self, filterset_class):
        kwargs = super().get_filterset_kwargs(filterset_class)
        kwargs["request"] = self.request
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = self.title or self.model._meta.verbose_name_plural
        context["model_meta"] = self.model._meta
        context["export_url"] = exports.export_url(self.request)
        return context


class ObjectDetailView(ScopedQuerysetMixin, DetailView):
    pass


class ObjectEditView(PermissionRequiredMixin, ScopedQuerysetMixin):
    """Create/update through a service function ``save(user=..., instance)``.

    The form receives the user (to scope its choices); model validation errors raised by
    the service are put back on the form instead of a 500.
    """

    permission = "can_edit_registry"
    template_name = "core/object_form.html"
    success_message = _("Saved.")

    def save(self, form):
        raise NotImplementedError

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["user"] = self.request.user
        data = self.restored()
        if data is not None:
            kwargs["data"] = data
        return kwargs

    def restored(self):
        """The POST an ended session could not take, back on this page after the login
        (core/formkeeping.py); GET only, once."""
        if self.request.method != "GET":
            return None
        data = formkeeping.restored_post(self.request)
        if data is not None and not getattr(self, "_told_restored", False):
            self._told_restored = True
            messages.info(
                self.request,
                _(
                    "The form you were filling in when your session ended is back: "
                    "check it and save it."
                ),
            )
            if self.request.restored_files:
                messages.warning(
                    self.request,
                    _("Choose these files again: %(names)s")
                    % {"names": "、".join(self.request.restored_files)},
                )
        return data

    def form_valid(self, form):
        try:
            self.object = self.save(form)
        except ValidationError as exc:
            form.add_error(None, exc)
            return self.form_invalid(form)
        messages.success(self.request, self.success_message)
        return HttpResponseRedirect(self.get_success_url())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["model_meta"] = self.model._meta
        return context


class ObjectCreateView(ObjectEditView, CreateView):
    pass


class OutboxCreateMixin:
    """A create view the field app's outbox also posts to, asking for JSON: the same form,
    the same service, at most one record per ``client_id`` (core/outbox.py). The view's
    ``record(form)`` returns ``(record, created)``; ``save(form)`` (the page's own path)
    goes through it too, so a page posted twice with its client id makes one record."""

    refused_message = _("Not saved: see the errors below.")

    def record(self, form):
        raise NotImplementedError

    def client_id(self) -> str:
        return self.request.POST.get("client_id", "")

    def save(self, form):
        return self.record(form)[0]

    def post(self, request, *args, **kwargs):
        if not formkeeping.wants_json(request):
            return super().post(request, *args, **kwargs)
        recorded_by = request.headers.get(outbox.FIELD_USER_HEADER)
        if recorded_by and recorded_by != str(request.user.pk):
            return outbox.other_user_refusal()
        self.object = None
        form = self.get_form()
        if form.is_valid():
            try:
                self.object, created = self.record(form)
            except ValidationError as exc:
                outbox.put_errors(form, exc)
            except PermissionDenied as exc:
                return JsonResponse({"detail": str(exc), "code": "permission_denied"}, status=403)
            else:
                return JsonResponse(
                    {
                        "id": self.object.pk,
                        "url": self.get_success_url(),
                        "client_id": self.object.client_id,
                        "replayed": not created,
                    },
                    status=201 if created else 200,
                )
        return JsonResponse(
            {"detail": str(self.refused_message), "errors": outbox.json_errors(form)},
            status=400,
        )


class ObjectUpdateView(OptimisticLockMixin, ObjectEditView, UpdateView):
    """Edits carry the record's version: a save over someone else's is refused."""
