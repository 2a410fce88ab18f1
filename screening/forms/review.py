"""Forms of the "四看" review: the period asked about, the official count, a verification."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from institutions.selectors import LARGE_INSTITUTION_BEDS

from ..models import OfficialCount, ScreeningRound, VisitPlausibility
from ..services.four_looks import CandidateOutcome

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ReviewPeriodForm(forms.Form):
    """GET form: the campaign start (``since``) and, on the lists, one township."""

    since = forms.DateField(label=_("Campaign started on"), required=False, widget=DATE)
    township = forms.TypedChoiceField(
        label=_("Township / street"), required=False, coerce=int, empty_value=None
    )
    # The not-yet-screened list: 规模相对较大的 only, and the largest first (衡山县 重点排查).
    size = forms.ChoiceField(label=_("Size"), required=False)
    order = forms.ChoiceField(label=_("Order"), required=False)
    # The not-yet-screened list: no visit of this round since ``since`` (a round's window).
    round = forms.ChoiceField(
        label=_("Round"), required=False, choices=[("", _("Any")), *ScreeningRound.choices]
    )

    def __init__(self, *args, townships=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["township"].choices = [("", _("All"))] + [(t.pk, t.name) for t in townships]
        self.fields["size"].choices = [
            ("", _("All")),
            ("large", _("Large (%(n)s beds or more)") % {"n": LARGE_INSTITUTION_BEDS}),
        ]
        self.fields["order"].choices = [
            ("", _("Newest first")),
            ("beds", _("Most beds first")),
        ]

    def value(self, name, default=None):
        if self.is_bound and self.is_valid():
            found = self.cleaned_data.get(name)
            return default if found in (None, "") else found
        return default


class OfficialCountForm(forms.ModelForm):
    class Meta:
        model = OfficialCount
        fields = ["as_of", "institutions", "notes"]
        widgets = {
            "as_of": DATE,
            "institutions": forms.NumberInput(attrs={"inputmode": "numeric"}),
        }
        help_texts = {
            "institutions": _("The number of institutions in the civil-affairs statistics."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["as_of"].initial = timezone.localdate()
        self.helper = FormHelper()
        self.helper.add_input(Submit("save", _("Save"), css_class="btn-primary w-100 w-md-auto"))

    def validate_unique(self):
        # The same township and date replaces the earlier figure (the service does it).
        pass

    def clean_as_of(self):
        as_of = self.cleaned_data["as_of"]
        if as_of and as_of > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."))
        return as_of


class CandidateVerifyForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Verification found"), choices=[("", "---------"), *CandidateOutcome.choices]
    )
    note = forms.CharField(
        label=_("Note"),
        max_length=150,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. checked on site with the village")}),
    )


class VisitPlausibilityForm(forms.ModelForm):
    """When the review flags a visit: its shortest plausible form time and the farthest
    plausible distance from the institution's known position."""

    class Meta:
        model = VisitPlausibility
        fields = ["min_minutes", "max_distance_km"]
        widgets = {
            "min_minutes": forms.NumberInput(attrs={"inputmode": "numeric"}),
            "max_distance_km": forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.1"}),
        }
