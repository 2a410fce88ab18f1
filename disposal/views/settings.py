"""The county's disposal settings page: deadlines per action type, and its choices where the
two plans differ (纳入处非机制 for every orange institution, whom the 线索通报 goes to)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views import View

from core.concurrency import FIELD as VERSION_FIELD
from core.concurrency import EditConflict, add_rows_version_field, claim_rows
from core.views import PermissionRequiredMixin

from ..forms.settings import DeadlineForm, NotificationRecipientForm, PolicyForm
from ..models import DeadlineSetting
from ..selectors.settings import deadline_days, disposal_policy
from ..services.settings import save_deadlines, save_disposal_policy, save_notification_recipient
from .common import put_errors


class DeadlineSettingsView(PermissionRequiredMixin, View):
    """The county's deadlines per action type (the defaults of ``levels.py`` until set)."""

    permission = "can_review"

    def unit(self, request):
        unit = request.user.unit
        if unit is None or not request.user.is_county_level:
            raise PermissionDenied(_("Only the county section sets deadlines."))
        return unit

    def render_page(self, request, form, policy_form=None, recipient_form=None):
        unit = self.unit(request)
        policy = disposal_policy(unit.path)
        if policy_form is None:
            policy_form = PolicyForm(
                initial={"mechanism_for_every_orange": policy.mechanism_for_every_orange}
            )
        if recipient_form is None:
            recipient_form = NotificationRecipientForm(
                initial={"lead_notification_recipient": policy.notification_recipient}
            )
        context = {
            "title": _("Deadlines of disposal actions"),
            "form": form,
            "policy_form": policy_form,
            "recipient_form": recipient_form,
            "unit": unit,
        }
        return render(request, "disposal/deadline_settings.html", context)

    @staticmethod
    def deadline_form(unit, data=None):
        rows = DeadlineSetting.objects.filter(unit=unit)
        return add_rows_version_field(DeadlineForm(data, days=deadline_days(unit.path)), rows)

    def get(self, request):
        unit = self.unit(request)
        return self.render_page(request, self.deadline_form(unit))

    # One transaction: the deadlines' version is checked (optimistic lock) and they are saved.
    @method_decorator(transaction.atomic)
    def post(self, request):
        unit = self.unit(request)
        if "save_policy" in request.POST:
            return self.post_policy(request, unit)
        if "save_recipient" in request.POST:
            return self.post_recipient(request, unit)
        form = self.deadline_form(unit, request.POST)
        if not form.is_valid():
            return self.render_page(request, form)
        try:
            claim_rows(
                DeadlineSetting.objects.filter(unit=unit),
                request.POST.get(VERSION_FIELD),
                history_of={"unit_id": unit.pk},
            )
        except EditConflict as exc:
            for message in exc.messages:
                messages.error(request, message)
            return self.render_page(request, self.deadline_form(unit))
        days = {key: value for key, value in form.cleaned_data.items() if key != VERSION_FIELD}
        save_deadlines(user=request.user, unit=unit, days=days)
        messages.success(request, _("Saved. New actions get these deadlines."))
        return redirect("disposal:deadline_settings")

    def post_policy(self, request, unit):
        form = PolicyForm(request.POST)
        if not form.is_valid():
            return self.render_page(request, self.deadline_form(unit), form)
        added = save_disposal_policy(
            user=request.user,
            unit=unit,
            mechanism_for_every_orange=form.cleaned_data["mechanism_for_every_orange"],
        )
        messages.success(
            request,
            _("Saved. %(n)s orange or red institutions entered the mechanism now.") % {"n": added}
            if added
            else _("Saved."),
        )
        return redirect("disposal:deadline_settings")

    def post_recipient(self, request, unit):
        form = NotificationRecipientForm(request.POST)
        if form.is_valid():
            try:
                save_notification_recipient(
                    user=request.user,
                    unit=unit,
                    recipient=form.cleaned_data["lead_notification_recipient"],
                )
            except ValidationError as exc:
                put_errors(form, exc)
            else:
                messages.success(request, _("Saved. New lead notifications propose it."))
                return redirect("disposal:deadline_settings")
        return self.render_page(request, self.deadline_form(unit), recipient_form=form)
