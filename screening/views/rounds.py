"""The windows of the screening rounds (衡山县 §一.二 第五, §三): set by the county section,
read by everyone."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views import View

from core import clock
from core.concurrency import FIELD as VERSION_FIELD
from core.concurrency import EditConflict, add_rows_version_field, claim_rows

from ..forms.rounds import CampaignRoundsForm
from ..models import CampaignRound, ScreeningRound
from ..selectors import rounds
from ..services.rounds import can_set_campaign_rounds, save_campaign_rounds


class CampaignRoundsView(View):
    """Every role reads the windows in force for its unit (a township: its county's) and
    their history; only the county section changes its own unit's windows (403 otherwise)."""

    template_name = "screening/review/campaign_rounds.html"

    def render_page(self, request, form):
        user = request.user
        today = clock.today()
        in_force = rounds.user_windows(user)
        states = []
        for kind, label in ScreeningRound.choices:
            window = in_force.get(kind)
            progress = rounds.RoundProgress(window=window, today=today) if window else None
            states.append((kind, label, window, progress))
        context = {
            "title": _("Round windows"),
            "unit": user.unit,
            "form": form,
            "windows": states,
            "history": rounds.window_history(user),
            "today": today,
        }
        return render(request, self.template_name, context)

    def fresh_form(self, request):
        windows = rounds.own_windows(request.user)
        return add_rows_version_field(CampaignRoundsForm(windows=windows), windows.values())

    def get(self, request):
        form = None
        if can_set_campaign_rounds(request.user):
            form = self.fresh_form(request)
        return self.render_page(request, form)

    # One transaction: the windows' version is checked (optimistic lock) and they are saved.
    @method_decorator(transaction.atomic)
    def post(self, request):
        if not can_set_campaign_rounds(request.user):
            raise PermissionDenied(_("Only the county section sets the campaign rounds."))
        windows = rounds.own_windows(request.user)
        form = add_rows_version_field(
            CampaignRoundsForm(request.POST, windows=windows), windows.values()
        )
        if form.is_valid():
            unit = request.user.unit
            try:
                claim_rows(
                    CampaignRound.objects.filter(unit=unit),
                    request.POST.get(VERSION_FIELD),
                    history_of={"unit_id": unit.pk},
                )
            except EditConflict as exc:
                for message in exc.messages:
                    messages.error(request, message)
                return self.render_page(request, self.fresh_form(request))
            try:
                save_campaign_rounds(
                    user=request.user, unit=request.user.unit, windows=form.windows()
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(
                    request,
                    _("Saved. The four-looks review counts against these windows.")
                    if form.has_changed()
                    else _("Nothing changed."),
                )
                return redirect("screening:campaign_rounds")
        return self.render_page(request, form)


urlpatterns = [
    path("review/rounds/", CampaignRoundsView.as_view(), name="campaign_rounds"),
]
