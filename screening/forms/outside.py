"""The verification (甄别) of an imported complaint."""

from crispy_forms.helper import FormHelper
from django import forms
from django.utils.translation import gettext_lazy as _

from core import clock

from ..models import Verification
from .leads import date_input


class ComplaintVerifyForm(forms.Form):
    """甄别: is the complaint substantiated? Only then does it count (O2 被投诉举报)."""

    outcome = forms.ChoiceField(
        label=_("Result of the verification"),
        choices=[
            (Verification.SUBSTANTIATED.value, Verification.SUBSTANTIATED.label),
            (Verification.GROUNDLESS.value, Verification.GROUNDLESS.label),
        ],
        widget=forms.RadioSelect,
    )
    verified_on = forms.DateField(label=_("Verified on"), widget=date_input())
    note = forms.CharField(
        label=_("What the verification found"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when the complaint is found groundless: the reason."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["verified_on"].initial = clock.today()
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
