"""Spot checks (随机检查, 抽查; 衡山县 §三.三): the county section draws, everyone reads the
draws of their unit and goes to visit the institutions drawn."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.views import View

from accounts.selectors import visible_townships

from ..forms.spot_checks import SpotCheckDrawForm
from ..models import ScreeningRound, SpotCheckDraw
from ..selectors import spot_checks
from ..services.spot_checks import can_draw, draw_spot_check, replay

PAGE_SIZE = 20


class SpotCheckListView(View):
    template_name = "screening/review/spot_check_list.html"

    def render_page(self, request, form):
        page = Paginator(spot_checks.draws(request.user), PAGE_SIZE).get_page(
            request.GET.get("page")
        )
        context = {"title": _("Spot checks"), "form": form, "page_obj": page, "query": ""}
        return render(request, self.template_name, context)

    def form(self, request, data=None):
        townships = visible_townships(request.user)
        return SpotCheckDrawForm(data, townships=townships)

    def get(self, request):
        return self.render_page(request, self.form(request) if can_draw(request.user) else None)

    def post(self, request):
        if not can_draw(request.user):
            raise PermissionDenied(_("Only the county section draws spot checks."))
        form = self.form(request, request.POST)
        if form.is_valid():
            try:
                draw = draw_spot_check(
                    user=request.user,
                    size=form.cleaned_data["size"],
                    township=form.chosen_township(),
                    listed_only=form.cleaned_data["listed_only"],
                    seed=form.cleaned_data["seed"],
                    note=form.cleaned_data["note"],
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Drawn. The list below is kept with its seed."))
                return redirect(draw)
        return self.render_page(request, form)


class SpotCheckDetailView(View):
    def get(self, request, pk):
        draw = get_object_or_404(
            SpotCheckDraw.objects.visible_to(request.user).select_related(
                "unit", "township", "created_by"
            ),
            pk=pk,
        )
        items = list(spot_checks.draw_items(request.user, draw))
        recorded = list(draw.items.order_by("position").values_list("institution_id", flat=True))
        context = {
            "title": _("Spot-check draw"),
            "draw": draw,
            "items": items,
            "pool_size": len(draw.pool),
            "replayed": replay(draw) == recorded,
            "visited": sum(1 for item in items if item.visited),
            "covert": ScreeningRound.COVERT,
        }
        return render(request, "screening/review/spot_check_detail.html", context)


urlpatterns = [
    path("review/spot-checks/", SpotCheckListView.as_view(), name="spot_check_list"),
    path("review/spot-checks/<int:pk>/", SpotCheckDetailView.as_view(), name="spot_check_detail"),
]
