"""The county's disposal settings page: deadlines per action type, and its choices where the
two plans differ (纳入处非机制 for every orange institution, whom the 线索通报 goes to).

Every form of the page is version-checked (``core.concurrency``): the deadlines carry the
version of their set of rows, the two single choices the version of the county's policy row
(or "new" before it has one); a stale save is refused, says who saved first and what changed,
and the page then shows theirs."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views import View

from core.concurrency import FIELD as VERSION_FIELD
from core.concurrency import (
    EditConflict,
    add_rows_version_field,
    add_version_field,
    claim_rows,
    conflict_with,
)
from core.views import PermissionRequiredMixin

from ..forms.settings import DeadlineForm, NotificationRecipientForm, PolicyForm
from ..models import DeadlineSetting, DisposalPolicy
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

    @staticmethod
    def own_policy(unit) -> DisposalPolicy:
        """The row the two choices write: the unit's own policy, or a new one (what is in
        force may come from a unit above until the county saves its own)."""
        return DisposalPolicy.objects.filter(unit=unit).first() or DisposalPolicy(unit=unit)

    def render_page(self, request, form, policy_form=None, recipient_form=None):
        unit = self.unit(request)
        policy = disposal_policy(unit.path)
        own = self.own_policy(unit)
        if policy_form is None:
            policy_form = PolicyForm(
                initial={"mechanism_for_every_orange": policy.mechanism_for_every_orange}
            )
            add_version_field(policy_form, own)
        if recipient_form is None:
            recipient_form = NotificationRecipientForm(
                initial={"lead_notification_recipient": policy.notification_recipient}
            )
            add_version_field(recipient_form, own)
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

    def checked(self, request, unit, form):
        """``form`` with the version of the unit's policy row, validated (the version is
        claimed while validating, inside the POST's transaction). On a stale or missing
        version: None, the refusal put in the page's messages."""
        add_version_field(form, self.own_policy(unit))
        if form.is_valid():
            return form
        conflicts = [
            error
            for error in form.non_field_errors().as_data()
            if error.code and error.code.startswith("edit_")
        ]
        if not conflicts:
            return form
        for error in conflicts:
            for message in error.messages:
                messages.error(request, message)
        return None

    def refused_as_stale(self, request, unit):
        # Theirs, with their version: the user sees what is in force and may save again.
        return self.render_page(request, self.deadline_form(unit))

    def save_once(self, request, unit, save):
        """``save()`` in a savepoint: two first saves of the policy at the same moment make
        one row; the second is told who was first (never a 500)."""
        try:
            with transaction.atomic():
                return save(), None
        except IntegrityError:
            row = DisposalPolicy.objects.filter(unit=unit).first()
            return None, conflict_with(DisposalPolicy, row.pk if row else None)

    def post_policy(self, request, unit):
        form = self.checked(request, unit, PolicyForm(request.POST))
        if form is None:
            return self.refused_as_stale(request, unit)
        if not form.is_valid():
            return self.render_page(request, self.deadline_form(unit), form)
        added, conflict = self.save_once(
            request,
            unit,
            lambda: save_disposal_policy(
                user=request.user,
                unit=unit,
                mechanism_for_every_orange=form.cleaned_data["mechanism_for_every_orange"],
            ),
        )
        if conflict is not None:
            for message in conflict.messages:
                messages.error(request, message)
            return self.refused_as_stale(request, unit)
        messages.success(
            request,
            _("Saved. %(n)s orange or red institutions entered the mechanism now.") % {"n": added}
            if added
            else _("Saved."),
        )
        return redirect("disposal:deadline_settings")

    def post_recipient(self, request, unit):
        form = self.checked(request, unit, NotificationRecipientForm(request.POST))
        if form is None:
            return self.refused_as_stale(request, unit)
        if form.is_valid():
            try:
                _saved, conflict = self.save_once(
                    request,
                    unit,
                    lambda: save_notification_recipient(
                        user=request.user,
                        unit=unit,
                        recipient=form.cleaned_data["lead_notification_recipient"],
                    ),
                )
            except ValidationError as exc:
                put_errors(form, exc)
            else:
                if conflict is not None:
                    for message in conflict.messages:
                        messages.error(request, message)
                    return self.refused_as_stale(request, unit)
                messages.success(request, _("Saved. New lead notifications propose it."))
                return redirect("disposal:deadline_settings")
        return self.render_page(request, self.deadline_form(unit), recipient_form=form)
