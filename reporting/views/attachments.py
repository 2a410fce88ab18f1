from urllib.parse import quote

from django.http import Http404, HttpResponse
from django.utils.translation import gettext_lazy as _
from django.views import View

from core import clock
from core.exports import XLSX
from core.xlsx import workbook_bytes

from ..xlsx.district import DISTRICT_ATTACHMENTS, ReportContext, build_attachment
from .common import week_from_param


class AttachmentDownloadView(View):
    """One attachment table of the district plan as .xlsx, for the user's unit and a week."""

    def get(self, request, number):
        if number not in DISTRICT_ATTACHMENTS or request.user.unit_id is None:
            raise Http404(_("No such table."))
        week = week_from_param(request.GET.get("week"), clock.now())
        context = ReportContext.for_user(request.user, week)
        attachment = DISTRICT_ATTACHMENTS[number]
        content = workbook_bytes(build_attachment(number, context))
        response = HttpResponse(content, content_type=XLSX)
        filename = attachment.filename
        response["Content-Disposition"] = (
            f"attachment; filename=\"district_{number}.xlsx\"; filename*=UTF-8''{quote(filename)}"
        )
        return response
