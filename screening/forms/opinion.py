"""The public opinion event form (负面舆情): what was found, and how it was answered."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Fieldset, Layout, Row, Submit
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import OrgUnit, UnitLevel

from ..models import OpinionEvent
from .leads import TWO, date_input, institution_choices, label_with_township


class OpinionEventForm(forms.ModelForm):
    class Meta:
        model = OpinionEvent
        fields = [
            "unit",
            "institution",
            "source",
            "source_detail",
            "found_on",
            "level",
            "summary",
            "response",
            "outcome",
            "closed_on",
        ]
        widgets = {
            "found_on": date_input(),
            "closed_on": date_input(),
            "summary": forms.Textarea(attrs={"rows": 3}),
            "response": forms.Textarea(attrs={"rows": 3}),
            "outcome": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "level": _(
                "重大: a major event about an institution counts for its rating "
                "(引起不良影响或重大舆情) until the county section resolves it."
            ),
        }

    def __init__(self, *args, user, institution=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["unit"].queryset = OrgUnit.objects.visible_to(user).filter(
            level=UnitLevel.TOWNSHIP
        )
        self.fields["unit"].label = _("Township / street")
        self.fields["institution"].queryset = institution_choices(
            user, keep=self.instance.institution_id
        )
        self.fields["institution"].label_from_instance = label_with_township
        if self.instance.pk is None:
            self.fields["found_on"].initial = timezone.localdate()
            if institution is not None:
                self.fields["institution"].initial = institution.pk
                self.fields["unit"].initial = institution.township_id
            elif user.unit_id and user.unit.township is not None:
                self.fields["unit"].initial = user.unit.township.pk
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Fieldset(
                _("What was found"),
                Row(Column("found_on", css_class=TWO), Column("unit", css_class=TWO)),
                Row(Column("source", css_class=TWO), Column("source_detail", css_class=TWO)),
                "institution",
                "level",
                "summary",
            ),
            Fieldset(
                _("Response"),
                "response",
                "outcome",
                "closed_on",
            ),
            Submit("save", _("Save"), css_class="btn-primary w-100 w-md-auto"),
        )

    def clean(self):
        cleaned = super().clean()
        unit, institution = cleaned.get("unit"), cleaned.get("institution")
        if unit and institution and not institution.scope_path.startswith(unit.path):
            self.add_error("institution", _("This institution is not in the event's township."))
        return cleaned
