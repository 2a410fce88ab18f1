"""Spot checks (随机检查, 抽查; 衡山县 §三.三): the county section draws, everyone reads the
draws of their unit and goes to visit the institutions drawn."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views import View

from accounts.selectors import visible_townships
from core.concurrency import FIELD as VERSION_FIELD
from core.concurrency import EditConflict, add_rows_version_field, claim_rows

from ..forms.spot_checks import SpotCheckDrawForm, SpotCheckWeightsForm
from ..models import ScreeningRound, SpotCheckDraw, SpotCheckWeights
from ..selectors import spot_checks
from ..services.spot_checks import can_draw, draw_spot_check, replay, save_weights

PAGE_SIZE = 20


class SpotCheckListView(View):
    template_name = "screening/review/spot_check_list.html"

    def render_page(self, request, form, weights_form=None):
        page = Paginator(spot_checks.draws(request.user), PAGE_SIZE).get_page(
            request.GET.get("page")
        )
        if weights_form is None and form is not None:
            weights_form = self.weights_form(request)
        context = {
            "title": _("Spot checks"),
            "form": form,
            "weights_form": weights_form,
            "weights": spot_checks.weights_for(request.user),
            "page_obj": page,
            "query": "",
        }
        return render(request, self.template_name, context)

    @staticmethod
    def weights_form(request, data=None):
        rows = SpotCheckWeights.objects.filter(unit_id=request.user.unit_id)
        form = SpotCheckWeightsForm(data, weights=spot_checks.weights_for(request.user))
        return add_rows_version_field(form, rows)

    def form(self, request, data=None):
        townships = visible_townships(request.user)
        return SpotCheckDrawForm(data, townships=townships)

    def get(self, request):
        return self.render_page(request, self.form(request) if can_draw(request.user) else None)

    @method_decorator(transaction.atomic)
    def post(self, request):
        if not can_draw(request.user):
            raise PermissionDenied(_("Only the county section draws spot checks."))
        if "save_weights" in request.POST:
            return self.post_weights(request)
        form = self.form(request, request.POST)
        if form.is_valid():
            try:
                draw = draw_spot_check(
                    user=request.user,
                    size=form.cleaned_data["size"],
                    township=form.chosen_township(),
                    listed_only=form.cleaned_data["listed_only"],
                    weighted=form.cleaned_data["weighted"],
                    seed=form.cleaned_data["seed"],
                    note=form.cleaned_data["note"],
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Drawn. The list below is kept with its seed."))
                return redirect(draw)
        return self.render_page(request, form)

    def post_weights(self, request):
        unit = request.user.unit
        form = self.weights_form(request, request.POST)
        if not form.is_valid():
            return self.render_page(request, self.form(request), form)
        try:
            claim_rows(
                SpotCheckWeights.objects.filter(unit=unit),
                request.POST.get(VERSION_FIELD),
                history_of={"unit_id": unit.pk},
            )
        except EditConflict as exc:
            for message in exc.messages:
                messages.error(request, message)
            return self.render_page(request, self.form(request))
        save_weights(user=request.user, unit=unit, weights=form.weights())
        messages.success(request, _("Saved. Weighted draws use these weights from now on."))
        return redirect("screening:spot_check_list")


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
