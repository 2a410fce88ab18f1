"""The county section's resolution of a finding that stays found."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import StandingFact
from ..services.findings import REASON_LENGTH


class ResolveFindingForm(forms.Form):
    fact = forms.ChoiceField(choices=StandingFact.choices, widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Reason for resolving"),
        max_length=REASON_LENGTH,
        widget=forms.TextInput(
            attrs={"placeholder": _("e.g. refunds completed and verified, case closed")}
        ),
    )
