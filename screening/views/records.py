"""The institution's records: prepayments, persons and roles, branches, registration changes,
related companies, assets and liabilities. Listed on the institution's page; each has a
create page (``?institution=<pk>``), an update page, and a delete action for the county
section only (township staff end a role or close a branch instead).
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy as _
from django.views import View
from django_tables2 import SingleTableView

from core.exports import XLSX
from core.views import (
    ObjectCreateView,
    ObjectUpdateView,
    PermissionRequiredMixin,
    ScopedQuerysetMixin,
)

from ..forms.records import (
    BranchForm,
    DeleteForm,
    FinancialSnapshotForm,
    PersonRoleForm,
    PrepaymentForm,
    RegistrationChangeForm,
    RelatedCompanyForm,
)
from ..models import (
    Branch,
    FinancialSnapshot,
    PersonRole,
    PrepaymentRecord,
    RegistrationChange,
    RelatedCompany,
)
from ..selectors.records import prepayments_for_export
from ..services import records as services
from ..tables.records import PrepaymentTable
from .visits import put_errors, visible_institution


def panel_url(institution, anchor):
    return f"{institution.get_absolute_url()}#screening-{anchor}"


class RecordEditMixin:
    """Shared by every record's create and update pages."""

    template_name = "screening/records/record_form.html"
    anchor = ""
    delete_url_name = ""

    def save(self, form):
        return services.save_record(user=self.request.user, record=form.instance)

    def form_valid(self, form):
        try:
            self.object = self.save(form)
        except ValidationError as exc:
            put_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Saved."))
        return HttpResponseRedirect(self.get_success_url())

    def get_success_url(self):
        return panel_url(self.institution, self.anchor)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        obj = getattr(self, "object", None)
        context.update(
            institution=self.institution,
            back_url=panel_url(self.institution, self.anchor),
            delete_url=(
                reverse(f"screening:{self.delete_url_name}", args=[obj.pk])
                if self.delete_url_name
                and obj is not None
                and obj.pk
                and self.request.user.can_review
                else ""
            ),
            delete_form=DeleteForm(),
        )
        return context


class RecordCreateView(RecordEditMixin, ObjectCreateView):
    @cached_property
    def institution(self):
        return visible_institution(self.request, self.request.GET.get("institution"))

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["institution"] = self.institution
        return kwargs


class RecordUpdateView(RecordEditMixin, ObjectUpdateView):
    select_related = ("institution", "institution__township")

    @cached_property
    def institution(self):
        return self.object.institution


class RecordDeleteView(PermissionRequiredMixin, View):
    """POST only, county section only; another township's record is not found (404)."""

    permission = "can_review"
    model = None
    anchor = ""

    def post(self, request, pk):
        record = get_object_or_404(
            self.model.objects.visible_to(request.user).select_related("institution"), pk=pk
        )
        institution = record.institution
        if not DeleteForm(request.POST).is_valid():
            messages.error(request, _("Tick the box to confirm that the entry is wrong."))
            return redirect(panel_url(institution, self.anchor))
        try:
            services.delete_record(user=request.user, record=record)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect(panel_url(institution, self.anchor))
        messages.success(request, _("Deleted. The history keeps a copy."))
        return redirect(panel_url(institution, self.anchor))


# --- prepayments -------------------------------------------------------------------------


class PrepaymentEdit:
    model = PrepaymentRecord
    form_class = PrepaymentForm
    anchor = "prepayments"
    delete_url_name = "prepayment_delete"


class PrepaymentCreateView(PrepaymentEdit, RecordCreateView):
    pass


class PrepaymentUpdateView(PrepaymentEdit, RecordUpdateView):
    pass


class PrepaymentListView(ScopedQuerysetMixin, SingleTableView):
    """Every prepayment record of one institution (the panel shows the latest only)."""

    model = PrepaymentRecord
    table_class = PrepaymentTable
    template_name = "screening/records/prepayment_list.html"
    paginate_by = 50

    @cached_property
    def institution(self):
        return visible_institution(self.request, self.kwargs["pk"])

    def get_queryset(self):
        return (
            super().get_queryset().filter(institution=self.institution).order_by("-paid_on", "-pk")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["institution"] = self.institution
        context["title"] = _("Prepayment records")
        return context


class PrepaymentExportView(View):
    """The institution's prepayment records as .xlsx (masked for roles that need it)."""

    def get(self, request, pk):
        institution = visible_institution(request, pk)
        records = prepayments_for_export(request.user, institution)
        content = services.prepayments_workbook(
            institution=institution, records=records, user=request.user
        )
        response = HttpResponse(content, content_type=XLSX)
        response["Content-Disposition"] = content_disposition_header(
            as_attachment=True, filename=f"{institution.name}-预付费记录.xlsx"
        )
        return response


# --- persons and roles -------------------------------------------------------------------


class PersonRoleEdit:
    model = PersonRole
    form_class = PersonRoleForm
    anchor = "persons"
    delete_url_name = "person_role_delete"


class PersonRoleCreateView(PersonRoleEdit, RecordCreateView):
    def save(self, form):
        return services.add_person_role(
            user=self.request.user,
            institution=self.institution,
            kind=form.cleaned_data["kind"],
            **form.person_data(),
        )


class PersonRoleUpdateView(PersonRoleEdit, RecordUpdateView):
    select_related = ("institution", "institution__township", "person")

    def save(self, form):
        role = services.update_person_role(
            user=self.request.user, role=form.instance, **form.person_data()
        )
        if role.proposal is not None:
            messages.info(
                self.request,
                _(
                    "This person also holds a role outside your unit: your correction of "
                    "their name, ID number or phone was sent to %(unit)s, which sees all of "
                    "their roles, and applies once accepted. The role itself was saved."
                )
                % {"unit": role.proposal.decider},
            )
        return role


# --- branches, changes, related companies, finances --------------------------------------


class BranchEdit:
    model = Branch
    form_class = BranchForm
    anchor = "branches"
    delete_url_name = "branch_delete"


class ChangeEdit:
    model = RegistrationChange
    form_class = RegistrationChangeForm
    anchor = "changes"
    delete_url_name = "change_delete"

    def save(self, form):
        return services.record_registration_change(user=self.request.user, change=form.instance)


class RelatedCompanyEdit:
    model = RelatedCompany
    form_class = RelatedCompanyForm
    anchor = "related-companies"
    delete_url_name = "related_company_delete"


class FinanceEdit:
    model = FinancialSnapshot
    form_class = FinancialSnapshotForm
    anchor = "finances"
    delete_url_name = "finance_delete"


def crud(prefix, url, edit):
    """The create, update and delete routes of one kind of record."""
    create = type(f"{edit.__name__}Create", (edit, RecordCreateView), {})
    update = type(f"{edit.__name__}Update", (edit, RecordUpdateView), {})
    delete = RecordDeleteView.as_view(model=edit.model, anchor=edit.anchor)
    return [
        path(f"{url}/new/", create.as_view(), name=f"{prefix}_create"),
        path(f"{url}/<int:pk>/edit/", update.as_view(), name=f"{prefix}_update"),
        path(f"{url}/<int:pk>/delete/", delete, name=f"{prefix}_delete"),
    ]


urlpatterns = [
    path(
        "institutions/<int:pk>/prepayments/",
        PrepaymentListView.as_view(),
        name="prepayment_list",
    ),
    path(
        "institutions/<int:pk>/prepayments.xlsx",
        PrepaymentExportView.as_view(),
        name="prepayment_export",
    ),
    path("prepayments/new/", PrepaymentCreateView.as_view(), name="prepayment_create"),
    path("prepayments/<int:pk>/edit/", PrepaymentUpdateView.as_view(), name="prepayment_update"),
    path(
        "prepayments/<int:pk>/delete/",
        RecordDeleteView.as_view(model=PrepaymentRecord, anchor="prepayments"),
        name="prepayment_delete",
    ),
    path("person-roles/new/", PersonRoleCreateView.as_view(), name="person_role_create"),
    path("person-roles/<int:pk>/edit/", PersonRoleUpdateView.as_view(), name="person_role_update"),
    path(
        "person-roles/<int:pk>/delete/",
        RecordDeleteView.as_view(model=PersonRole, anchor="persons"),
        name="person_role_delete",
    ),
    *crud("branch", "branches", BranchEdit),
    *crud("change", "registration-changes", ChangeEdit),
    *crud("related_company", "related-companies", RelatedCompanyEdit),
    *crud("finance", "finances", FinanceEdit),
]
