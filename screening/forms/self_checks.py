"""The self-check form (自查自改): the institution's paper, item by item."""

from crispy_forms.layout import Column, Fieldset, Layout, Row
from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import CHECK_ITEMS, SelfCheck
from ..selectors.self_checks import current_round
from .records import TWO, RecordForm, date_input, save_button

CHECK_FIELDS = [name for name, _label in CHECK_ITEMS]


class SelfCheckForm(RecordForm):
    date_fields = ("checked_on", "fixed_on")

    class Meta:
        model = SelfCheck
        fields = [
            "round",
            "checked_on",
            "signed_by",
            "signer_position",
            *CHECK_FIELDS,
            "findings",
            "measures",
            "fix_by",
            "fixed_on",
        ]
        widgets = {
            "checked_on": date_input(),
            "fix_by": date_input(),
            "fixed_on": date_input(),
            "findings": forms.Textarea(attrs={"rows": 3}),
            "measures": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, user, institution=None, **kwargs):
        super().__init__(*args, user=user, institution=institution, **kwargs)
        if self.instance.pk is None:
            self.fields["round"].initial = current_round(user)

    def layout(self):
        return Layout(
            Row(Column("round", css_class=TWO), Column("checked_on", css_class=TWO)),
            Row(Column("signed_by", css_class=TWO), Column("signer_position", css_class=TWO)),
            Fieldset(
                _("Check items: tick those where the self-check found a problem"),
                *CHECK_FIELDS,
            ),
            Fieldset(
                _("Rectification"),
                "findings",
                "measures",
                Row(Column("fix_by", css_class=TWO), Column("fixed_on", css_class=TWO)),
            ),
            save_button(),
        )
