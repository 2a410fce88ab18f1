"""Forms of the records kept per institution: refunds paid to elders (and their reversal),
resettlement, assistance, transfers, and the "一院一策" plan."""

from decimal import Decimal

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Field, Layout, Submit
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..models import (
    Assistance,
    Resettlement,
    Transfer,
    expected_authority,
)
from .common import SUBMIT_CSS, InstitutionRecordForm, date_input, rows_of_two


class RefundForm(forms.Form):
    """A refund paid to an elder against one of their prepayment records (the ledger)."""

    amount = forms.DecimalField(
        label=_("refunded (yuan)"),
        min_value=Decimal("0.01"),
        max_digits=14,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01"}),
    )
    refunded_on = forms.DateField(label=_("refunded on"), widget=date_input())
    notes = forms.CharField(label=_("notes"), max_length=255, required=False)

    def __init__(self, *args, prepayment, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["refunded_on"].initial = timezone.localdate()
        self.fields["amount"].initial = prepayment.amount - prepayment.refunded_amount
        self.helper = FormHelper()
        self.helper.layout = Layout(
            *rows_of_two("amount", "refunded_on"),
            Field("notes"),
            Submit("save", _("Record the refund"), css_class=SUBMIT_CSS),
        )


class RefundReversalForm(forms.Form):
    """Why a refund entry is wrong: it is cancelled by a reversal, never deleted."""

    reason = forms.CharField(label=_("reason"), max_length=255)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field("reason"),
            Submit("save", _("Reverse this refund"), css_class="btn-danger w-100 w-md-auto"),
        )


class ResettlementForm(InstitutionRecordForm):
    class Meta:
        model = Resettlement
        fields = [
            "elder_name",
            "elder_id_number",
            "destination_kind",
            "destination",
            "resettled_on",
            "notes",
        ]
        widgets = {"resettled_on": date_input()}


class AssistanceForm(InstitutionRecordForm):
    class Meta:
        model = Assistance
        fields = ["elder_name", "elder_id_number", "kind", "granted_on", "amount", "notes"]
        widgets = {
            "granted_on": date_input(),
            "amount": forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01"}),
        }


class TransferForm(InstitutionRecordForm):
    class Meta:
        model = Transfer
        fields = [
            "authority",
            "receiving_unit",
            "transferred_on",
            "document_number",
            "case_filed_on",
            "reason",
        ]
        widgets = {
            "transferred_on": date_input(),
            "case_filed_on": date_input(),
            "reason": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.institution is not None and not self.instance.pk:
            expected = expected_authority(self.institution)
            self.fields["authority"].initial = expected
            self.fields["authority"].help_text = _(
                "By the nature of the venue: %(authority)s; the police when a crime is suspected."
            ) % {"authority": expected.label}


class PlanForm(forms.Form):
    # The version of the plan the page was opened at (0: none yet); required, so that a
    # save over a version someone else saved meanwhile is refused, not silently replaced.
    based_on = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    text = forms.CharField(
        label=_("One institution, one plan"),
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_(
            "The measures for this institution: who does what by when, refunds, resettlement, "
            "how the risk is defused. Each save keeps a new version."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            "based_on",
            Field("text"),
            Submit("save", _("Save a new version"), css_class=SUBMIT_CSS),
        )
