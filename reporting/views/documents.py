"""The "三必须" list and the two printable documents (区县方案·二(一)一).

告知书 (to every resident or family) and 承诺书 (signed by the institution's head) are A4
pages filled with the institution's registry data, printed from the browser; nothing is
stored. Both, and the list, read institutions through ``visible_to(user)``: another
township's institution answers 404.
"""

from django import forms
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views import View

from accounts.models import OrgUnit, UnitLevel
from core import clock
from institutions.models import Institution

from ..three_musts import (
    STATUS_STYLES,
    ThreeMustsStatus,
    missing_items,
    three_musts_counts,
    three_musts_list,
)

PAGE_SIZE = 50

# 区县方案·二(一)二: 引导老年人及其家属通过中央政法委12337智能化举报平台和省12345非法金融活动
# 举报平台提供线索.
REPORT_CHANNELS = (
    ("12337", "中央政法委12337智能化举报平台"),
    ("12345", "省12345非法金融活动举报平台"),
)


class ThreeMustsFilterForm(forms.Form):
    township = forms.ModelChoiceField(
        label=_("Township / street"),
        queryset=OrgUnit.objects.none(),
        required=False,
        empty_label=_("All"),
    )
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[("", _("All"))] + list(ThreeMustsStatus.choices),
        required=False,
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["township"].queryset = (
            OrgUnit.objects.visible_to(user).townships().order_by("code", "name")
        )
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select form-select-sm"


class ThreeMustsListView(View):
    """Each visible institution's "三必须" status, what is missing and when it was checked."""

    def get(self, request):
        user = request.user
        form = ThreeMustsFilterForm(request.GET or None, user=user)
        township, status = None, ""
        if form.is_valid():
            township = form.cleaned_data["township"]
            status = form.cleaned_data["status"]
        page = Paginator(three_musts_list(user, township, status), PAGE_SIZE).get_page(
            request.GET.get("page")
        )
        rows = [
            (
                institution,
                ThreeMustsStatus(institution.three_musts),
                STATUS_STYLES[institution.three_musts],
                missing_items(institution),
            )
            for institution in page.object_list
        ]
        counts = three_musts_counts(user, township)
        context = {
            "title": _('"Three musts" per institution'),
            "form": form,
            "page_obj": page,
            "rows": rows,
            "counts": [
                (value, label, counts[value], STATUS_STYLES[value])
                for value, label in ThreeMustsStatus.choices
            ],
            "total": sum(counts.values()),
            "can_visit": user.can_edit_registry,
        }
        return render(request, "reporting/three_musts.html", context)


def county_of(unit: OrgUnit | None) -> OrgUnit | None:
    """The county (or district) above a township: whose bureau issues the documents."""
    while unit is not None and unit.level != UnitLevel.COUNTY:
        unit = unit.parent
    return unit


class DocumentView(View):
    """One printable document for one institution the user sees."""

    template_name = ""
    title = ""

    def get(self, request, pk):
        institution = get_object_or_404(
            Institution.objects.visible_to(request.user).select_related(
                "township__parent", "village"
            ),
            pk=pk,
        )
        county = county_of(institution.township)
        context = {
            "title": self.title,
            "institution": institution,
            "county": county,
            "bureau": f"{county.name}民政局" if county else "",
            "channels": REPORT_CHANNELS,
            "today": timezone.localdate(clock.now()),
        }
        return render(request, self.template_name, context)


class NoticeView(DocumentView):
    """防范养老服务诈骗告知书, given to every resident or family."""

    template_name = "reporting/documents/notice.html"
    title = "防范养老服务诈骗告知书"


class CommitmentView(DocumentView):
    """防范养老服务诈骗承诺书, signed by the institution's head."""

    template_name = "reporting/documents/commitment.html"
    title = "防范养老服务诈骗承诺书"
