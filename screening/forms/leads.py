"""Forms of leads: the record itself, and one small form per workflow step."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Fieldset, Layout, Row, Submit
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import OrgUnit, UnitLevel
from institutions.models import Institution

from ..models import Lead, LeadStatus

DATE = {"type": "date"}
TWO = "col-12 col-md-6"


def date_input():
    return forms.DateInput(attrs=DATE, format="%Y-%m-%d")


def institution_choices(user, keep=None):
    """Institutions the user may link a lead to: their own subtree, on the registry (and the
    one already linked, even if it has been archived since)."""
    active = Q(archived_at__isnull=True)
    if keep:
        active |= Q(pk=keep)
    return (
        Institution.objects.visible_to(user)
        .filter(active)
        .select_related("township")
        .order_by("township__code", "name")
    )


def label_with_township(institution):
    return f"{institution.name}（{institution.township.name}）"


class LeadForm(forms.ModelForm):
    """The lead as received. Its workflow (verification, handling, feedback) has its own
    forms, so that each step is dated and attributed."""

    class Meta:
        model = Lead
        fields = [
            "unit",
            "channel",
            "reference",
            "received_on",
            "reporter_name",
            "reporter_phone",
            "subject",
            "content",
            "institution",
            "is_major",
            "reported_to_county_on",
        ]
        widgets = {
            "received_on": date_input(),
            "reported_to_county_on": date_input(),
            "content": forms.Textarea(attrs={"rows": 4}),
            "reporter_phone": forms.TextInput(attrs={"inputmode": "tel"}),
        }
        help_texts = {
            "subject": _("The institution, venue or person reported, as the reporter named it."),
            "institution": _("Link the registry record once the institution is identified."),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        townships = OrgUnit.objects.visible_to(user).filter(level=UnitLevel.TOWNSHIP)
        self.fields["unit"].queryset = townships
        self.fields["unit"].label = _("Township / street")
        own = user.unit.township if user.unit_id else None
        if self.instance.pk is None:
            self.fields["received_on"].initial = timezone.localdate()
            if own is not None:
                self.fields["unit"].initial = own.pk
        self.fields["institution"].queryset = institution_choices(
            user, keep=self.instance.institution_id
        )
        self.fields["institution"].label_from_instance = label_with_township
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Fieldset(
                _("Receipt"),
                Row(Column("channel", css_class=TWO), Column("reference", css_class=TWO)),
                Row(Column("received_on", css_class=TWO), Column("unit", css_class=TWO)),
                Row(
                    Column("reporter_name", css_class=TWO),
                    Column("reporter_phone", css_class=TWO),
                ),
            ),
            Fieldset(_("What is reported"), "subject", "content", "institution", "is_major"),
            Fieldset(_("Reporting"), "reported_to_county_on"),
            Submit("save", _("Save"), css_class="btn-primary w-100 w-md-auto"),
        )

    def clean(self):
        cleaned = super().clean()
        unit, institution = cleaned.get("unit"), cleaned.get("institution")
        if unit and institution and not institution.scope_path.startswith(unit.path):
            self.add_error("institution", _("This institution is not in the lead's township."))
        return cleaned


class YesNoField(forms.TypedChoiceField):
    def __init__(self, **kwargs):
        super().__init__(
            choices=[("", "---------"), ("yes", _("Yes")), ("no", _("No"))],
            coerce=lambda v: v == "yes",
            empty_value=None,
            **kwargs,
        )


class StepForm(forms.Form):
    """A workflow step: a date (today by default) and what the step requires."""

    date_field = ""
    submit_label = ""

    def __init__(self, *args, lead, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.lead = lead
        self.user = user
        self.fields[self.date_field].initial = timezone.localdate()
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    def clean(self):
        cleaned = super().clean()
        day = cleaned.get(self.date_field)
        if day and day > timezone.localdate():
            self.add_error(self.date_field, _("The date cannot be in the future."))
        return cleaned


class VerifyForm(StepForm):
    date_field = "verified_on"
    submit_label = _("Record the verification")

    is_fraud_related = YesNoField(
        label=_("Related to elder-care fraud?"),
        help_text=_(
            "e.g. inducing elders to prepay large fees as cards, top-ups or investments "
            "in the name of elder-care services."
        ),
    )
    verified_on = forms.DateField(label=_("Verified on"), widget=date_input())
    institution = forms.ModelChoiceField(
        label=_("Institution identified"), queryset=Institution.objects.none(), required=False
    )
    note = forms.CharField(label=_("Note"), max_length=100, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["institution"]
        field.queryset = institution_choices(self.user).filter(
            scope_path__startswith=self.lead.unit.path
        )
        field.label_from_instance = label_with_township
        field.initial = self.lead.institution_id


class HandleForm(StepForm):
    date_field = "handled_on"
    submit_label = _("Record the handling")

    result = forms.CharField(
        label=_("Result of the handling"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What was done: visit, warning talk, transfer, refund …"),
    )
    handled_on = forms.DateField(label=_("Handled on"), widget=date_input())


class FeedBackForm(StepForm):
    date_field = "fed_back_on"
    submit_label = _("Record the feedback")

    fed_back_on = forms.DateField(label=_("Fed back on"), widget=date_input())
    note = forms.CharField(
        label=_("To whom and how"),
        max_length=100,
        required=False,
        help_text=_("e.g. reporter told by phone; reply to the 12337 platform"),
    )


class ReportForm(StepForm):
    date_field = "reported_on"

    reported_on = forms.DateField(label=_("Reported to the county on"), widget=date_input())


class GroundlessForm(StepForm):
    """查无实据: a verified lead found groundless stops counting against the institution."""

    date_field = "groundless_on"
    submit_label = _("Record as groundless")

    groundless_on = forms.DateField(label=_("Found groundless on"), widget=date_input())
    groundless_reason = forms.CharField(
        label=_("Why it is groundless"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("It no longer counts as a complaint against the institution (O2)."),
    )


STEP_FORMS = {
    LeadStatus.RECEIVED: VerifyForm,
    LeadStatus.VERIFIED: HandleForm,
    LeadStatus.HANDLED: FeedBackForm,
}


class KeyForm(forms.Form):
    """Mark (or unmark) a lead 重点 for the 攻坚行动, with an optional reason for the history."""

    is_key = forms.TypedChoiceField(
        choices=[("yes", _("Key")), ("no", _("Not key"))], coerce=lambda v: v == "yes"
    )
    reason = forms.CharField(label=_("Reason"), max_length=80, required=False)
