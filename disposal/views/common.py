"""What the pages of disposal share: a service's errors put back on the form, the
institution named in the URL (among those the user sees), and the form of a record kept
per institution."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.functional import cached_property

from core.views import ObjectCreateView
from institutions.models import Institution

HISTORY_EXCLUDED = ("scope_path", "updated_at")


def put_errors(form, exc: ValidationError):
    """A service's errors on the form's own fields where it has them, else on the form."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


class ServiceErrorsMixin:
    """Like ObjectEditView, but a service error on a field the form lacks is not a 500."""

    def form_valid(self, form):
        try:
            self.object = self.save(form)
        except ValidationError as exc:
            put_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, self.success_message)
        return redirect(self.get_success_url())


def institution_from_query(request, *related):
    """The institution a list is narrowed to (``?institution=<pk>``), among those the user
    sees; ``None`` without one."""
    institution_id = request.GET.get("institution", "")
    if not institution_id.isdigit():
        return None
    institutions = Institution.objects.visible_to(request.user)
    if related:
        institutions = institutions.select_related(*related)
    return institutions.filter(pk=int(institution_id)).first()


class InstitutionMixin:
    """The institution named in the URL, among those the user sees (else 404)."""

    @cached_property
    def institution(self):
        return get_object_or_404(
            Institution.objects.visible_to(self.request.user).select_related("township"),
            pk=self.kwargs["institution_pk"],
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["institution"] = self.institution
        context["tab"] = self.tab
        return context


class InstitutionRecordCreateView(InstitutionMixin, ServiceErrorsMixin, ObjectCreateView):
    """The form of a record of the institution named in the URL; ``save`` calls its service."""

    template_name = "disposal/record_form.html"
    list_url = ""
    tab = ""

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["institution"] = self.institution
        return kwargs

    def get_success_url(self):
        return reverse(self.list_url, args=[self.institution.pk])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = self.model._meta.verbose_name
        context["back_url"] = self.get_success_url()
        return context
