"""The publication list (政务公开, 区县方案 二(三)三): the county section prepares it for a date,
reads it, refreshes and approves it; an approved list is downloaded as .xlsx, CSV or a plain
HTML page for the bureau's website.

County-level users only: a township gets 403. A list is found through
``PublicationList.visible_to``: another county's list, and a draft for anyone but the county
section of its county, is not found (404).
"""

from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views import View

from core import clock
from core.concurrency import FIELD, version_of
from core.exports import XLSX

from .. import publication as services
from ..forms import PublicationPrepareForm
from ..models import PublicationList
from ..xlsx.publication import (
    PUBLICATION_TABLES,
    publication_csv,
    publication_html,
    publication_sections,
    publication_title,
    publication_workbook,
)


class PublicationMixin:
    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_county_level:
            raise PermissionDenied(_("Only county-level units publish this list."))
        return super().dispatch(request, *args, **kwargs)

    def lists(self):
        return PublicationList.objects.visible_to(self.request.user).select_related(
            "unit", "approved_by", "created_by"
        )

    def can_prepare(self) -> bool:
        unit = self.request.user.unit
        return unit is not None and services.preparation_refused(self.request.user, unit) is None


class PublicationListView(PublicationMixin, View):
    """GET: the lists of the user's counties; POST: the county section prepares a new one."""

    template_name = "reporting/publication_list.html"

    def page(self, request, form=None):
        if form is None and self.can_prepare():
            today = clock.today()
            form = PublicationPrepareForm(
                initial={"as_of": today, "since": today.replace(month=1, day=1)}
            )
        context = {"lists": list(self.lists()), "form": form}
        return render(request, self.template_name, context)

    def get(self, request):
        return self.page(request)

    def post(self, request):
        if not self.can_prepare():
            raise PermissionDenied(_("Only the county section prepares the publication list."))
        form = PublicationPrepareForm(request.POST)
        if form.is_valid():
            try:
                publication = services.prepare_publication(
                    user=request.user, unit=request.user.unit, **form.cleaned_data
                )
            except ValidationError as exc:
                if hasattr(exc, "error_dict"):
                    for field, errors in exc.error_dict.items():
                        form.add_error(field if field in form.fields else None, errors)
                else:
                    form.add_error(None, exc)
            else:
                messages.success(request, _("The list has been prepared: check it, then approve."))
                return redirect(publication)
        return self.page(request, form)


class PublicationDetailView(PublicationMixin, View):
    template_name = "reporting/publication_detail.html"

    def get(self, request, pk):
        publication = get_object_or_404(self.lists(), pk=pk)
        can_prepare = (
            not publication.is_approved
            and services.preparation_refused(request.user, publication.unit) is None
        )
        context = {
            "publication": publication,
            "title": publication_title(publication),
            "sections": publication_sections(publication),
            "can_prepare": can_prepare,
            "version_field": FIELD,
            "version": version_of(publication),
            "csv_tables": [(name, t.title) for name, t in PUBLICATION_TABLES.items()],
        }
        return render(request, self.template_name, context)


PUBLICATION_ACTIONS = {
    "approve": (services.approve_publication, _("The list has been approved for publication.")),
    "refresh": (services.refresh_publication, _("The list has been read again.")),
}


class PublicationActionView(PublicationMixin, View):
    """POST: the county section approves a draft, or reads its rows again."""

    def post(self, request, pk, action):
        publication = get_object_or_404(self.lists(), pk=pk)
        service, done = PUBLICATION_ACTIONS[action]
        try:
            service(user=request.user, publication=publication, version=request.POST.get(FIELD))
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, done)
        return redirect(publication)


class PublicationDownloadView(PublicationMixin, View):
    """An approved list as .xlsx, HTML or one table's CSV; a draft is not published (404)."""

    def get(self, request, pk, fmt, section=None):
        publication = get_object_or_404(self.lists(), pk=pk)
        if not publication.is_approved:
            raise Http404(_("Only an approved list is published."))
        stem = f"{publication_title(publication)}"
        if fmt == "xlsx":
            return _attachment(publication_workbook(publication), XLSX, "publication.xlsx", stem)
        if fmt == "html":
            content = publication_html(publication).encode("utf-8")
            return _attachment(content, "text/html; charset=utf-8", "publication.html", stem)
        if section not in PUBLICATION_TABLES:
            raise Http404(_("No such table."))
        table = PUBLICATION_TABLES[section]
        return _attachment(
            publication_csv(publication, section),
            "text/csv; charset=utf-8",
            f"publication_{section}.csv",
            f"{stem}_{table.sheet_title}",
        )


def _attachment(content: bytes, content_type: str, ascii_name: str, name: str) -> HttpResponse:
    extension = ascii_name.rsplit(".", 1)[-1]
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = (
        f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(f'{name}.{extension}')}"
    )
    return response
