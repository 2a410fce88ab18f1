"""Forms of the county's disposal settings: deadlines per action type, and its choices where
the two plans differ."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Field, Layout, Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from ..levels import ActionType
from .common import SUBMIT_CSS, rows_of_two


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
