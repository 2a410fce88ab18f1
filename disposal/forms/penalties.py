"""Forms of penalties (区县方案 二(三)四 联合惩戒): recording a decision, proposing it for the
joint-punishment list, withdrawing it."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Field, Fieldset, Layout, Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import Penalty
from .common import SUBMIT_CSS, InstitutionRecordForm, date_input, rows_of_two


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
