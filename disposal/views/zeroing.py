"""Pages of the 清零 ledger: every venue, its person in charge, target outcome and status
(挂图作战), and one venue's page where it is assigned (包干到人) and crossed off (销号)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views import View

from core.concurrency import FIELD as VERSION_FIELD
from core.concurrency import add_version_field
from core.exports import export_url, in_chunks, xlsx_response
from core.history import history_entries
from core.views import PermissionRequiredMixin
from institutions.models import RegistrationStatus

from ..exports import ZEROING_LEDGER_TABLE
from ..filters import LedgerFilterSet
from ..forms.zeroing import CrossOffForm, ZeroingAssignForm
from ..models import ZeroingEntry, expected_authority
from ..selectors.actions import board
from ..selectors.zeroing import ledger_list, ledger_rows, venue_on_ledger, zeroing_ledger
from ..services.zeroing import Registration, assign_zeroing, cross_off
from .common import HISTORY_EXCLUDED, put_errors


class ZeroingLedgerView(View):
    """清零 台账: every venue, its person in charge, target outcome and status (挂图作战).
    With ``export``, the venues the filters select, all pages, as .xlsx."""

    paginate_by = 50
    export = False

    def get(self, request):
        queryset = ledger_list(request.user)
        filterset = LedgerFilterSet(request.GET or None, queryset=queryset, request=request)
        venues = filterset.qs if filterset.is_bound and filterset.is_valid() else queryset
        if self.export:
            rows = (row for chunk in in_chunks(venues) for row in ledger_rows(chunk))
            return xlsx_response(ZEROING_LEDGER_TABLE, rows, name="清零台账", user=request.user)
        page = Paginator(venues, self.paginate_by).get_page(request.GET.get("page"))
        rows = ledger_rows(list(page.object_list))
        total, _townships = board(request.user)
        context = {
            "title": _("Zeroing ledger"),
            "filter": filterset,
            "page": page,
            "rows": rows,
            "total": total,
            "export_url": export_url(request),
        }
        return render(request, "disposal/zeroing_ledger.html", context)


class ZeroingMixin:
    def get_institution(self, request, institution_pk):
        institution = get_object_or_404(
            zeroing_ledger(request.user).select_related("township"), pk=institution_pk
        )
        return institution


def _entry_or_new(entry, institution):
    """What the 清零 forms are version-checked against: the entry, or none yet."""
    return entry if entry is not None else ZeroingEntry(institution=institution)


def _checked(form, institution):
    """``form`` bound to the POST, carrying the version of the institution's entry (the
    check runs while validating, inside the view's transaction)."""
    entry = ZeroingEntry.objects.filter(institution=institution).first()
    return add_version_field(form, _entry_or_new(entry, institution))


def zeroing_context(request, institution, assign_form=None, cross_off_form=None):
    user = request.user
    venue = venue_on_ledger(user, institution)
    entry = venue["entry"]
    if user.can_edit_registry and not (entry and entry.is_crossed_off):
        if assign_form is None:
            initial = {}
            if entry:
                initial = {
                    "responsible_user": entry.responsible_user_id,
                    "responsible_name": entry.responsible_name,
                    "notes": entry.notes,
                    "stable": entry.stable,
                }
            assign_form = ZeroingAssignForm(initial=initial, institution=institution, user=user)
            add_version_field(assign_form, _entry_or_new(entry, institution))
        if cross_off_form is None:
            cross_off_form = add_version_field(CrossOffForm(), _entry_or_new(entry, institution))
    history = (
        history_entries(ZeroingEntry, entry.history.all(), excluded=HISTORY_EXCLUDED)
        if entry
        else []
    )
    return {
        "title": institution.name,
        "institution": institution,
        **venue,
        "expected_authority": expected_authority(institution),
        "assign_form": assign_form,
        "cross_off_form": cross_off_form,
        "history": history,
    }


class ZeroingDetailView(ZeroingMixin, View):
    def get(self, request, institution_pk):
        institution = self.get_institution(request, institution_pk)
        return render(
            request, "disposal/zeroing_detail.html", zeroing_context(request, institution)
        )

    # One transaction: the entry's version is checked (optimistic lock) and the entry saved.
    @method_decorator(transaction.atomic)
    def post(self, request, institution_pk):
        """Put a person in charge (包干到人)."""
        if not request.user.can_edit_registry:
            raise PermissionDenied(_("Your role does not allow this."))
        institution = self.get_institution(request, institution_pk)
        form = _checked(
            ZeroingAssignForm(request.POST, institution=institution, user=request.user),
            institution,
        )
        if form.is_valid():
            try:
                data = {k: v for k, v in form.cleaned_data.items() if k != VERSION_FIELD}
                assign_zeroing(user=request.user, institution=institution, **data)
            except ValidationError as exc:
                put_errors(form, exc)
            else:
                messages.success(request, _("Saved."))
                return redirect("disposal:zeroing_detail", institution_pk=institution.pk)
        return render(
            request,
            "disposal/zeroing_detail.html",
            zeroing_context(request, institution, assign_form=form),
        )


class ZeroingCrossOffView(PermissionRequiredMixin, ZeroingMixin, View):
    """POST only: 销号, refused with a clear message until the outcome is reached."""

    permission = "can_edit_registry"

    @method_decorator(transaction.atomic)
    def post(self, request, institution_pk):
        institution = self.get_institution(request, institution_pk)
        form = _checked(CrossOffForm(request.POST), institution)
        if form.is_valid():
            data = form.cleaned_data
            registration = None
            if data.get("credit_code"):
                registration = Registration(
                    credit_code=data["credit_code"],
                    registration_status=data.get("registration_status")
                    or RegistrationStatus.REGISTERED_NOT_FILED,
                    legal_form=data.get("legal_form", ""),
                    registration_authority=data.get("registration_authority", ""),
                )
            try:
                cross_off(
                    user=request.user,
                    institution=institution,
                    outcome=data["outcome"],
                    outcome_on=data.get("outcome_on"),
                    registration=registration,
                    notes=data.get("notes", ""),
                    owed_reason=data.get("owed_reason", ""),
                )
            except ValidationError as exc:
                put_errors(form, exc)
            else:
                messages.success(request, _("Crossed off the zeroing ledger."))
                return redirect("disposal:zeroing_detail", institution_pk=institution.pk)
        messages.error(request, _("Not crossed off: see the reason below."))
        institution.refresh_from_db()
        return render(
            request,
            "disposal/zeroing_detail.html",
            zeroing_context(request, institution, cross_off_form=form),
            status=200,
        )
