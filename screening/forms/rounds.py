"""The county section's form for the windows of its screening rounds (衡山县 §一.二 第五)."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Fieldset, Layout, Row, Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import ScreeningRound

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

# What each plan asks of the round, shown beside its dates.
PLAN_HINTS = {
    ScreeningRound.FIRST: _(
        "衡山县 plan: 全面摸排 to be completed by 20 January (各乡镇要在2022年1月20日前，"
        "扎实完成本轮摸底排查)."
    ),
    ScreeningRound.LOOK_BACK: _(
        "District plan: the look-back review (回头看) to be completed by the end of May "
        "(确保5月底前完成复查工作)."
    ),
    ScreeningRound.COVERT: _("衡山县 plan: 暗访督查阶段 from 15 to 25 January."),
}


class CampaignRoundsForm(forms.Form):
    """A start and a deadline per round; both empty clears the round's window."""

    def __init__(self, *args, windows=None, **kwargs):
        windows = windows or {}
        super().__init__(*args, **kwargs)
        fieldsets = []
        for kind, label in ScreeningRound.choices:
            window = windows.get(kind)
            self.fields[f"{kind}_starts_on"] = forms.DateField(
                label=_("Starts on"),
                required=False,
                widget=DATE,
                initial=window.starts_on if window else None,
            )
            self.fields[f"{kind}_ends_on"] = forms.DateField(
                label=_("Deadline"),
                required=False,
                widget=DATE,
                initial=window.ends_on if window else None,
                help_text=PLAN_HINTS.get(kind, ""),
            )
            fieldsets.append(
                Fieldset(
                    label,
                    Row(
                        Column(f"{kind}_starts_on", css_class="col-12 col-md-6"),
                        Column(f"{kind}_ends_on", css_class="col-12 col-md-6"),
                    ),
                )
            )
        self.helper = FormHelper()
        self.helper.layout = Layout(*fieldsets)
        self.helper.add_input(Submit("save", _("Save"), css_class="btn-primary w-100 w-md-auto"))

    def clean(self):
        cleaned = super().clean()
        for kind in ScreeningRound.values:
            starts_on = cleaned.get(f"{kind}_starts_on")
            ends_on = cleaned.get(f"{kind}_ends_on")
            if f"{kind}_starts_on" in self.errors or f"{kind}_ends_on" in self.errors:
                continue
            if (starts_on is None) != (ends_on is None):
                missing = f"{kind}_ends_on" if ends_on is None else f"{kind}_starts_on"
                self.add_error(missing, _("Give both dates, or neither to clear the round."))
            elif starts_on and ends_on < starts_on:
                self.add_error(f"{kind}_ends_on", _("The deadline cannot be before the start."))
        return cleaned

    def windows(self) -> dict:
        """``{kind: (starts_on, ends_on) or None}`` for ``save_campaign_rounds``."""
        found = {}
        for kind in ScreeningRound.values:
            starts_on = self.cleaned_data.get(f"{kind}_starts_on")
            ends_on = self.cleaned_data.get(f"{kind}_ends_on")
            found[kind] = (starts_on, ends_on) if starts_on and ends_on else None
        return found
