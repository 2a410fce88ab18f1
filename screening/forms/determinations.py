"""The form of a determination of illegal fundraising (衡山县 §二.二 调查认定、定性定级、
风险评估、后续处置), filled in by the county section."""

from crispy_forms.layout import Column, Fieldset, Layout, Row
from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import FundraisingDetermination
from .records import TWO, RecordForm, date_input, save_button


class DeterminationForm(RecordForm):
    """What the authority decided, in the document that says so."""

    date_fields = ("determined_on",)

    class Meta:
        model = FundraisingDetermination
        fields = [
            "authority",
            "document_number",
            "determined_on",
            "result",
            "qualification",
            "risk_assessment",
            "follow_up",
        ]
        widgets = {
            "determined_on": date_input(),
            "qualification": forms.Textarea(attrs={"rows": 3}),
            "risk_assessment": forms.Textarea(attrs={"rows": 3}),
            "follow_up": forms.Textarea(attrs={"rows": 3}),
        }

    def layout(self):
        return Layout(
            Fieldset(
                _("The determination"),
                "authority",
                Row(
                    Column("document_number", css_class=TWO),
                    Column("determined_on", css_class=TWO),
                ),
                "result",
            ),
            Fieldset(
                _("Nature, grade, risk and follow-up"),
                "qualification",
                "risk_assessment",
                "follow_up",
            ),
            save_button(),
        )
