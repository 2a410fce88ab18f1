"""Spreadsheet imports (upload → preview → apply) and the confirmation of name matches.

Only the county section (``can_review``) imports and confirms; township staff and leaders
get 403. Batches and records come from ``visible_to(user)``: another county's are 404.
"""

from collections import Counter

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.http import content_disposition_header, url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import DetailView, FormView, TemplateView

from core.exports import XLSX
from core.masking import show_id_number, show_phone
from core.views import ObjectListView, PermissionRequiredMixin

from ..forms.imports import ImportUploadForm
from ..models import ImportBatch, ImportKind, ImportStatus, MatchStatus
from ..selectors import outside
from ..services import matching
from ..services.importing.kinds import SPECS
from ..services.importing.service import PREVIEW_ROWS, apply_batch, stage_import
from ..services.importing.template import template_workbook
from ..tables.imports import ImportBatchTable, status_badge

MATCHES_PER_PAGE = 25


class CountySectionMixin(PermissionRequiredMixin):
    permission = "can_review"


class ImportListView(CountySectionMixin, ObjectListView):
    model = ImportBatch
    select_related = ("uploaded_by",)
    table_class = ImportBatchTable
    filterset_fields = ("kind", "status")
    title = _("Imports")
    template_name = "screening/imports/import_list.html"

    def get_queryset(self):
        # The payload holds every validated row: never loaded for a list.
        return super().get_queryset().defer("payload", "errors")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["pending_matches"] = sum(outside.pending_counts(self.request.user).values())
        return context


class ImportUploadView(CountySectionMixin, FormView):
    form_class = ImportUploadForm
    template_name = "screening/imports/import_upload.html"

    def get_initial(self):
        kind = self.request.GET.get("kind")
        return {"kind": kind} if kind in SPECS else {}

    def form_valid(self, form):
        try:
            batch = stage_import(
                user=self.request.user,
                kind=form.cleaned_data["kind"],
                uploaded=form.cleaned_data["file"],
            )
        except ValidationError as exc:
            form.add_error("file", exc)
            return self.form_invalid(form)
        if batch.status == ImportStatus.INVALID:
            messages.error(
                self.request,
                _("The file has errors: nothing was imported. Correct them and upload it again."),
            )
        return redirect("screening:import_preview", pk=batch.pk)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = _("Import a spreadsheet")
        context["kinds"] = [
            (kind, label, SPECS[kind].columns) for kind, label in ImportKind.choices
        ]
        return context


def preview_cell(column, text, user):
    personal = column.type.personal
    if personal == "id_number":
        return show_id_number(text, user)
    if personal == "phone":
        return show_phone(text, user)
    return text


class ImportPreviewView(CountySectionMixin, DetailView):
    template_name = "screening/imports/import_preview.html"
    context_object_name = "batch"

    def get_queryset(self):
        return ImportBatch.objects.visible_to(self.request.user).select_related(
            "uploaded_by", "unit"
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        batch, user = self.object, self.request.user
        spec = SPECS[batch.kind]
        shown = [item for item in batch.payload if "display" in item][:PREVIEW_ROWS]
        present = {name for item in shown for name in item["display"]}
        columns = [c for c in spec.columns if c.field in present]
        actions = Counter(item.get("action", "create") for item in batch.payload)
        context.update(
            title=str(batch),
            spec=spec,
            columns=columns,
            status_badge=status_badge(batch),
            preview_rows=[
                {
                    "row": item["row"],
                    "action": item.get("action", "create"),
                    "note": item.get("note", ""),
                    "cells": [
                        preview_cell(c, item["display"].get(c.field, ""), user) for c in columns
                    ],
                }
                for item in shown
            ],
            to_create=actions["create"],
            to_update=actions["update"],
            to_skip=actions["skip"],
            can_apply=batch.status == ImportStatus.PREVIEWED
            and actions["create"] + actions["update"] > 0,
            match_summary=self.match_summary(batch),
        )
        return context

    def match_summary(self, batch):
        if batch.status != ImportStatus.APPLIED or batch.kind not in outside.BATCH_MODELS:
            return None
        counts = outside.batch_summary(batch)
        return [(status.label, counts.get(status.value, 0), status.value) for status in MatchStatus]


class ImportApplyView(CountySectionMixin, View):
    """POST only: write every row of a clean batch, all or nothing, once."""

    def post(self, request, pk):
        batch = get_object_or_404(ImportBatch.objects.visible_to(request.user), pk=pk)
        try:
            batch = apply_batch(user=request.user, batch=batch)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
            return redirect("screening:import_preview", pk=batch.pk)
        messages.success(
            request,
            _("Imported %(file)s: %(n)d rows written.")
            % {"file": batch.file_name, "n": batch.rows_applied},
        )
        return redirect("screening:import_list")


class ImportTemplateView(CountySectionMixin, View):
    """An empty workbook with the expected headers, and a sheet explaining each column."""

    def get(self, request, kind):
        if kind not in SPECS:
            raise Http404
        response = HttpResponse(template_workbook(kind), content_type=XLSX)
        response["Content-Disposition"] = content_disposition_header(
            as_attachment=True, filename=f"{SPECS[kind].document}导入模板.xlsx"
        )
        return response


class MatchListView(CountySectionMixin, TemplateView):
    """Name matches waiting for a person: confirm the candidate or reject it."""

    template_name = "screening/imports/match_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        counts = outside.pending_counts(user)
        kind = self.request.GET.get("kind")
        if kind not in outside.MATCH_KINDS:
            kind = next((k for k, n in counts.items() if n), "lawsuit")
        label = outside.MATCH_KINDS[kind][1]
        batch = self.request.GET.get("batch")
        records = outside.pending_matches(
            user, kind, int(batch) if batch and batch.isdigit() else None
        )
        page = Paginator(records, MATCHES_PER_PAGE).get_page(self.request.GET.get("page"))
        candidates = matching.candidates_for(page.object_list, user=user)
        context.update(
            title=_("Matches to confirm"),
            kind=kind,
            kind_label=label,
            tabs=[(k, outside.MATCH_KINDS[k][1], counts[k]) for k in outside.MATCH_KINDS],
            page_obj=page,
            rows=[
                {
                    "record": record,
                    "candidates": [
                        (matching.candidate_value(c), c) for c in candidates.get(record.pk, ())
                    ],
                }
                for record in page.object_list
            ],
            next=self.request.get_full_path(),
        )
        return context


class MatchDecisionView(CountySectionMixin, View):
    """POST only: confirm or reject one pending match (audited in the record's history)."""

    confirm = True

    def post(self, request, kind, pk):
        if kind not in outside.MATCH_KINDS:
            raise Http404
        model = outside.MATCH_KINDS[kind][0]
        record = get_object_or_404(model.objects.visible_to(request.user), pk=pk)
        try:
            if self.confirm:
                matching.confirm_match(
                    user=request.user, record=record, candidate=request.POST.get("candidate", "")
                )
                messages.success(
                    request, _("Match confirmed: %(name)s.") % {"name": record.subject_name}
                )
            else:
                matching.reject_match(user=request.user, record=record)
                messages.success(
                    request, _("Match rejected: %(name)s.") % {"name": record.subject_name}
                )
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        target = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            target = reverse("screening:match_list") + f"?kind={kind}"
        return HttpResponseRedirect(target)


urlpatterns = [
    path("imports/", ImportListView.as_view(), name="import_list"),
    path("imports/upload/", ImportUploadView.as_view(), name="import_upload"),
    path("imports/<int:pk>/", ImportPreviewView.as_view(), name="import_preview"),
    path("imports/<int:pk>/apply/", ImportApplyView.as_view(), name="import_apply"),
    path("imports/template/<str:kind>/", ImportTemplateView.as_view(), name="import_template"),
    path("imports/matches/", MatchListView.as_view(), name="match_list"),
    path(
        "imports/matches/<str:kind>/<int:pk>/confirm/",
        MatchDecisionView.as_view(),
        name="match_confirm",
    ),
    path(
        "imports/matches/<str:kind>/<int:pk>/reject/",
        MatchDecisionView.as_view(confirm=False),
        name="match_reject",
    ),
]
