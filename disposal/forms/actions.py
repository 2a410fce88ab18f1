"""Forms of disposal actions: following one action, adding a conditional one by hand, and
marking a case 重点 (攻坚行动)."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Field, Fieldset, Layout, Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from ..levels import CONDITIONAL_TYPES, ActionType
from ..models import DisposalAction
from ..validators import ALLOWED_EXTENSIONS, MAX_EVIDENCE_BYTES
from .common import SUBMIT_CSS, date_input, rows_of_two, staff_for


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
