"""The county section's form to draw a spot check (随机检查, 衡山县 §三.三)."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row, Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from ..services.spot_checks import MAX_SIZE


class SpotCheckDrawForm(forms.Form):
    size = forms.IntegerField(label=_("How many"), min_value=1, max_value=MAX_SIZE, initial=5)
    township = forms.TypedChoiceField(
        label=_("Township / street"), required=False, coerce=int, empty_value=None
    )
    listed_only = forms.BooleanField(
        label=_("Only red, orange or yellow institutions (增加抽查检查频次)"), required=False
    )
    weighted = forms.BooleanField(
        label=_("Weighted by level: higher levels are drawn more often (增加抽查检查频次)"),
        required=False,
        initial=True,
    )
    seed = forms.IntegerField(
        label=_("Seed"),
        required=False,
        min_value=0,
        max_value=2**63 - 1,
        help_text=_("Leave empty for a random draw; give a recorded seed to repeat a draw."),
    )
    note = forms.CharField(
        label=_("Purpose"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. 暗访督查, second week")}),
    )

    def __init__(self, *args, townships=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.townships = {t.pk: t for t in townships}
        self.fields["township"].choices = [("", _("The whole county"))] + [
            (t.pk, t.name) for t in townships
        ]
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Row(
                Column("size", css_class="col-6 col-md-2"),
                Column("township", css_class="col-6 col-md-4"),
                Column("seed", css_class="col-12 col-md-6"),
            ),
            "weighted",
            "listed_only",
            "note",
        )
        self.helper.add_input(Submit("draw", _("Draw"), css_class="btn-primary w-100 w-md-auto"))

    def chosen_township(self):
        pk = self.cleaned_data.get("township")
        return self.townships.get(pk) if pk else None


class SpotCheckWeightsForm(forms.Form):
    """How much more often each level is drawn in a weighted spot check (1 to 10)."""

    def __init__(self, *args, weights: dict[str, int], **kwargs):
        super().__init__(*args, **kwargs)
        for level, label in LEVEL_LABELS:
            self.fields[level] = forms.IntegerField(
                label=label,
                min_value=1,
                max_value=10,
                initial=weights[level],
                widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
            )
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Row(*(Column(level, css_class="col-6 col-md-3") for level, _label in LEVEL_LABELS))
        )

    def weights(self) -> dict[str, int]:
        return {level: self.cleaned_data[level] for level, _label in LEVEL_LABELS}


LEVEL_LABELS = (
    ("red", _("Red")),
    ("orange", _("Orange")),
    ("yellow", _("Yellow")),
    ("green", _("Green")),
)
