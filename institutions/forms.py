from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Fieldset, Layout, Row, Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import OrgUnit, UnitLevel

from .models import Institution


class InstitutionForm(forms.ModelForm):
    """Registry form, laid out for a phone first (one column) and a desk (two columns)."""

    class Meta:
        model = Institution
        fields = [
            "name",
            "registration_status",
            "credit_code",
            "legal_form",
            "ownership",
            "venue_nature",
            "registration_authority",
            "township",
            "village",
            "registered_address",
            "actual_address",
            "beds",
            "residents",
            "legal_representative",
            "principal",
            "investors",
            "operator",
            "established_on",
            "filed_on",
            "found_on",
            "multi_industry",
            "collects_large_prepayment",
            "business_scope",
            "contact_person",
            "contact_phone",
            "latitude",
            "longitude",
            "notes",
        ]
        widgets = {
            "established_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "filed_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "found_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "business_scope": forms.Textarea(attrs={"rows": 2}),
            "notes": forms.Textarea(attrs={"rows": 2}),
            "contact_phone": forms.TextInput(attrs={"inputmode": "tel"}),
            "beds": forms.NumberInput(attrs={"inputmode": "numeric"}),
            "residents": forms.NumberInput(attrs={"inputmode": "numeric"}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        units = OrgUnit.objects.visible_to(user)
        townships = units.filter(level=UnitLevel.TOWNSHIP)
        self.fields["township"].queryset = townships
        self.fields["village"].queryset = units.filter(level=UnitLevel.VILLAGE).select_related(
            "parent"
        )
        self.fields["village"].label_from_instance = lambda u: f"{u.parent.name} · {u.name}"
        if self.instance.pk is None and user.unit and user.unit.level == UnitLevel.TOWNSHIP:
            self.fields["township"].initial = user.unit.pk
        two = "col-12 col-md-6"
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Fieldset(
                _("Identity"),
                "name",
                Row(
                    Column("registration_status", css_class=two),
                    Column("credit_code", css_class=two),
                ),
                Row(Column("legal_form", css_class=two), Column("ownership", css_class=two)),
                Row(
                    Column("venue_nature", css_class=two),
                    Column("registration_authority", css_class=two),
                ),
            ),
            Fieldset(
                _("Location"),
                Row(Column("township", css_class=two), Column("village", css_class=two)),
                "registered_address",
                "actual_address",
            ),
            Fieldset(
                _("Scale and people"),
                Row(Column("beds", css_class=two), Column("residents", css_class=two)),
                Row(
                    Column("legal_representative", css_class=two),
                    Column("principal", css_class=two),
                ),
                Row(Column("investors", css_class=two), Column("operator", css_class=two)),
                Row(Column("established_on", css_class=two), Column("filed_on", css_class=two)),
                Row(Column("found_on", css_class=two)),
                "multi_industry",
                "collects_large_prepayment",
                "business_scope",
            ),
            Fieldset(
                _("Contact"),
                Row(
                    Column("contact_person", css_class=two), Column("contact_phone", css_class=two)
                ),
                "notes",
            ),
            Submit("save", _("Save"), css_class="btn-primary w-100 w-md-auto"),
        )


class ArchiveForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for archiving"),
        max_length=255,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. closed down, duplicate record")}),
    )
