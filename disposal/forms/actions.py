"""Forms of disposal, laid out for a phone first (one column) and a desk (two columns)."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Field, Fieldset, Layout, Row, Submit
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Role, User, path_ids
from institutions.models import LegalForm, RegistrationStatus
from institutions.validators import validate_credit_code

from ..levels import CONDITIONAL_TYPES, ActionType
from ..models import (
    Assistance,
    DisposalAction,
    Outcome,
    Penalty,
    RefundPlan,
    RefundRecord,
    Resettlement,
    Transfer,
    expected_authority,
)
from ..validators import ALLOWED_EXTENSIONS, MAX_EVIDENCE_BYTES

TWO = "col-12 col-md-6"
SUBMIT_CSS = "btn-primary w-100 w-md-auto"


def date_input():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def staff_for(institution, user):
    """People who can be put in charge: staff of the institution's township (or a unit below
    it) and of the units above it, among the users the current user may see."""
    township_path = institution.township.path
    ancestors = path_ids(township_path)
    return (
        User.objects.visible_to(user)
        .filter(is_active=True, role__in=[Role.TOWNSHIP_STAFF, Role.COUNTY_REVIEWER])
        .filter(Q(unit__path__startswith=township_path) | Q(unit_id__in=ancestors))
        .select_related("unit")
        .order_by("unit__path", "last_name", "first_name")
    )


def rows_of_two(*names):
    pairs = [names[i : i + 2] for i in range(0, len(names), 2)]
    return [Row(*(Column(name, css_class=TWO) for name in pair)) for pair in pairs]


class ActionForm(forms.ModelForm):
    """Follow one action: its status, who is in charge, dates, 文号, notes and a file."""

    evidence_file = forms.FileField(
        label=_("Add an evidence file"),
        required=False,
        help_text=_("PDF, photo or office document, at most %(mb)s MB.")
        % {"mb": MAX_EVIDENCE_BYTES // 2**20},
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(ALLOWED_EXTENSIONS)}),
    )
    evidence_description = forms.CharField(
        label=_("Description of the file"), max_length=200, required=False
    )

    class Meta:
        model = DisposalAction
        fields = [
            "status",
            "status_reason",
            "responsible_user",
            "responsible_name",
            "deadline",
            "carried_out_on",
            "document_number",
            "counterpart",
            "completed_on",
            "notes",
        ]
        widgets = {
            "deadline": date_input(),
            "carried_out_on": date_input(),
            "completed_on": date_input(),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, user, proposed_counterpart: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        action = self.instance
        if proposed_counterpart and "counterpart" in self.fields:
            # 线索通报: the county's recipient, until someone types whom it really went to.
            if not action.counterpart:
                self.initial["counterpart"] = proposed_counterpart
            self.fields["counterpart"].help_text = _(
                "The county's recipient of lead notifications is %(recipient)s; change it if "
                "the lead went to someone else."
            ) % {"recipient": proposed_counterpart}
        self.fields["responsible_user"].queryset = staff_for(action.institution, user)
        self.fields["responsible_user"].label_from_instance = lambda u: f"{u} · {u.unit}"
        if not user.can_review:
            # A deadline is the county's default; only the county section moves it.
            del self.fields["deadline"]
        documented = action.is_documented
        if not documented:
            for name in ("carried_out_on", "document_number", "counterpart"):
                del self.fields[name]
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        status_row = ["status", "status_reason"]
        people = ["responsible_user", "responsible_name"]
        order = ("deadline", "carried_out_on", "document_number", "counterpart", "completed_on")
        dates = [name for name in order if name in self.fields]
        self.helper.layout = Layout(
            Fieldset(_("Status"), *rows_of_two(*status_row)),
            Fieldset(_("Responsible person"), *rows_of_two(*people)),
            Fieldset(_("Dates and documents"), *rows_of_two(*dates)),
            Field("notes"),
            Fieldset(_("Evidence"), *rows_of_two("evidence_file", "evidence_description")),
            Submit("save", _("Save"), css_class=SUBMIT_CSS),
        )


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
        )


class InstitutionRecordForm(forms.ModelForm):
    """A record of one institution (the institution comes from the URL, never the form)."""

    submit_label = _("Save")

    def __init__(self, *args, user, institution=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.institution = institution
        if institution is not None:
            self.instance.institution = institution
        self.helper = FormHelper()
        self.helper.layout = Layout(
            *rows_of_two(*[name for name in self.fields if name not in ("notes", "reason")]),
            *[Field(name) for name in ("reason", "notes") if name in self.fields],
            Submit("save", self.submit_label, css_class=SUBMIT_CSS),
        )


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


class DeadlineForm(forms.Form):
    """Days per action type for the county (包干到人 deadlines)."""

    def __init__(self, *args, days: dict, **kwargs):
        super().__init__(*args, **kwargs)
        for action_type in ActionType:
            self.fields[action_type.value] = forms.IntegerField(
                label=action_type.label,
                min_value=1,
                max_value=365,
                initial=days.get(action_type.value),
                widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
            )
        self.helper = FormHelper()
        self.helper.layout = Layout(
            *rows_of_two(*self.fields),
            Submit("save", _("Save"), css_class=SUBMIT_CSS),
        )


class PolicyForm(forms.Form):
    """Where the two plans differ: the county chooses (衡山县 §一.三 or the district plan)."""

    mechanism_for_every_orange = forms.BooleanField(
        label=_("Every orange institution enters the illegal-fundraising mechanism"),
        required=False,
        help_text=_(
            "衡山县 plan: 纳入属地非法集资等诈骗防范处置机制 for every orange (and red) "
            "institution; the orange and red cases without it get the action now. Off: the "
            "district plan, only when the records show signs of illegal fundraising."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field("mechanism_for_every_orange"),
            Submit("save_policy", _("Save"), css_class=SUBMIT_CSS),
        )


class NotificationRecipientForm(forms.Form):
    """Whom the county's lead notifications (线索通报) go to, where the two plans differ."""

    lead_notification_recipient = forms.CharField(
        label=_("Recipient of the lead notification"),
        max_length=200,
        help_text=_(
            "District plan: 属地人民政府和政法部门; 衡山县 plan: 县民政局养老股. Proposed as “to "
            "or with whom” on every lead notification, where it can be changed by hand."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_id = "notification-recipient-form"
        self.helper.layout = Layout(
            Field("lead_notification_recipient"),
            Submit("save_recipient", _("Save"), css_class=SUBMIT_CSS),
        )


class AddActionForm(forms.Form):
    """The county adds a conditional action (纳入处非机制, 移送司法机关) to a case, with why."""

    action_type = forms.ChoiceField(label=_("Disposal action"))
    reason = forms.CharField(
        label=_("Reason"),
        max_length=255,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("e.g. 衡山县 plan: every orange institution; crime suspected on a report"),
    )

    def __init__(self, *args, existing=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action_type"].choices = [
            (value, ActionType(value).label) for value in CONDITIONAL_TYPES if value not in existing
        ]
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field("action_type"),
            Field("reason"),
            Submit("save", _("Add the action"), css_class=SUBMIT_CSS),
        )


class KeyForm(forms.Form):
    """Mark (or unmark) a case 重点 for the 攻坚行动, with an optional reason for the history."""

    is_key = forms.TypedChoiceField(
        choices=[("yes", _("Key")), ("no", _("Not key"))], coerce=lambda v: v == "yes"
    )
    reason = forms.CharField(label=_("Reason"), max_length=80, required=False)


class PenaltyForm(InstitutionRecordForm):
    """区县方案 二(三)四: the decision an authority made against the institution or one of its
    people (从业人员). Leave the person empty when the institution itself was punished."""

    class Meta:
        model = Penalty
        fields = [
            "kind",
            "ground",
            "authority",
            "document_number",
            "decided_on",
            "person_name",
            "person_id_number",
            "person_post",
            "summary",
        ]
        widgets = {
            "decided_on": date_input(),
            "summary": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper.layout = Layout(
            Fieldset(
                _("The decision"),
                *rows_of_two("kind", "ground", "authority", "document_number", "decided_on"),
            ),
            Fieldset(
                _("The person punished (从业人员), if not the institution"),
                *rows_of_two("person_name", "person_id_number", "person_post"),
            ),
            Field("summary"),
            Submit("save", _("Record the penalty"), css_class=SUBMIT_CSS),
        )


class ProposeForm(forms.Form):
    """The county section proposes a penalty for the joint-punishment list (联合惩戒)."""

    note = forms.CharField(
        label=_("Proposal note"),
        max_length=255,
        required=False,
        help_text=_("e.g. 报县局审定后提请纳入养老服务市场失信联合惩戒对象名单"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True


class WithdrawForm(forms.Form):
    """A penalty recorded in error, or set aside on review, is withdrawn with a reason."""

    reason = forms.CharField(label=_("Reason for withdrawal"), max_length=255)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
