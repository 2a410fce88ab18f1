"""Forms of the records kept per institution: refunds owed and paid, resettlement,
assistance, transfers, and the "一院一策" plan."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Field, Layout, Submit
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..models import (
    Assistance,
    RefundPlan,
    RefundRecord,
    Resettlement,
    Transfer,
    expected_authority,
)
from .common import SUBMIT_CSS, InstitutionRecordForm, date_input, rows_of_two


class RefundPlanForm(InstitutionRecordForm):
    class Meta:
        model = RefundPlan
        fields = ["payer_name", "payer_id_number", "payer_phone", "amount_due", "due_by", "notes"]
        widgets = {
            "due_by": date_input(),
            "payer_phone": forms.TextInput(attrs={"inputmode": "tel"}),
            "amount_due": forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01"}),
        }


class RefundRecordForm(forms.ModelForm):
    class Meta:
        model = RefundRecord
        fields = ["amount", "refunded_on", "notes"]
        widgets = {
            "refunded_on": date_input(),
            "amount": forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01"}),
        }

    def __init__(self, *args, user, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.plan = plan
        self.instance.institution = plan.institution
        self.fields["refunded_on"].initial = timezone.localdate()
        self.helper = FormHelper()
        self.helper.layout = Layout(
            *rows_of_two("amount", "refunded_on"),
            Field("notes"),
            Submit("save", _("Record the refund"), css_class=SUBMIT_CSS),
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
            Field("text"), Submit("save", _("Save a new version"), css_class=SUBMIT_CSS)
        )
