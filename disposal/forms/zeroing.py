"""Forms of the 清零 ledger: a person in charge (包干到人), and crossing a venue off (销号)."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Field, Fieldset, Layout
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from institutions.models import LegalForm, RegistrationStatus
from institutions.validators import validate_credit_code

from ..models import Outcome
from .common import date_input, rows_of_two, staff_for


class ZeroingAssignForm(forms.Form):
    responsible_user = forms.ModelChoiceField(
        label=_("Responsible person"), queryset=User.objects.none(), required=False
    )
    responsible_name = forms.CharField(
        label=_("Responsible person (name)"),
        max_length=50,
        required=False,
        help_text=_("When the person has no login: their name and post."),
    )
    # 衡山县 §一.三 对已经收住老年人，运营比较平稳，且没有收取大额预付费的…督促其尽快依法办理登记.
    stable = forms.NullBooleanField(
        label=_("Operating stably?"),
        required=False,
        widget=forms.Select(
            choices=[
                ("unknown", _("Not judged yet (the rating decides)")),
                ("true", _("Yes, operating stably")),
                ("false", _("No, not stable")),
            ]
        ),
        help_text=_(
            "Urge registration applies to a venue that houses elders (the registry's residents), "
            "operates stably and took no large prepayment; any other is assessed case by case."
        ),
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, institution, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible_user"].queryset = staff_for(institution, user)
        self.fields["responsible_user"].label_from_instance = lambda u: f"{u} · {u.unit}"
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("responsible_user") and not (cleaned.get("responsible_name") or ""):
            raise forms.ValidationError(_("Name the person in charge (包干到人)."))
        return cleaned


REGISTERED_CHOICES = [
    (RegistrationStatus.REGISTERED_FILED, RegistrationStatus.REGISTERED_FILED.label),
    (RegistrationStatus.REGISTERED_NOT_FILED, RegistrationStatus.REGISTERED_NOT_FILED.label),
]


class CrossOffForm(forms.Form):
    """销号: the outcome reached, and for a registration the registry data it needs."""

    outcome = forms.ChoiceField(label=_("Outcome reached"), choices=Outcome.choices)
    outcome_on = forms.DateField(
        label=_("Outcome reached on"),
        required=False,
        widget=date_input(),
        help_text=_("Required for closed down or banned."),
    )
    credit_code = forms.CharField(
        label=_("Unified social credit code"),
        max_length=18,
        required=False,
        validators=[validate_credit_code],
        help_text=_("For a registration: as printed on the registration certificate."),
    )
    registration_status = forms.ChoiceField(
        label=_("Registration status"),
        choices=REGISTERED_CHOICES,
        initial=RegistrationStatus.REGISTERED_NOT_FILED,
        required=False,
    )
    legal_form = forms.ChoiceField(
        label=_("Legal form"), choices=[("", "---------"), *LegalForm.choices], required=False
    )
    registration_authority = forms.CharField(
        label=_("Registration authority"), max_length=100, required=False
    )
    notes = forms.CharField(label=_("Notes"), max_length=500, required=False)
    owed_reason = forms.CharField(
        label=_("Why crossed off while money is still owed"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "County section only, when the elders are still owed money: e.g. transferred to "
            "the police with the refund claim."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["outcome_on"].initial = timezone.localdate()
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            *rows_of_two("outcome", "outcome_on"),
            Fieldset(
                _("If registered"),
                *rows_of_two(
                    "credit_code", "registration_status", "legal_form", "registration_authority"
                ),
            ),
            Field("notes"),
            Field("owed_reason"),
        )
