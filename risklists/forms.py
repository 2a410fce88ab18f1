from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Column, Fieldset, Layout, Row
from django import forms
from django.utils.translation import gettext_lazy as _

from .engine import LEVELS, Facts, Thresholds, compliance_checks, level_rank
from .levels import Level

# The 民发〔2024〕19号 checks, as the engine declares them (code, clause).
COMPLIANCE_CHECKS = [(check.code, check.clause) for check in compliance_checks(Facts())]


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for returning"),
        max_length=500,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. prepayment records incomplete")}),
    )


class LevelForm(forms.Form):
    """Raise or lower: a level and a reason (required to lower)."""

    level = forms.ChoiceField(label=_("Level"), choices=Level.choices)
    reason = forms.CharField(label=_("Reason"), max_length=500, required=False)

    def __init__(self, *args, base_level: str | None = None, raising: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.raising = raising
        if base_level:
            rank = level_rank(base_level)
            self.fields["level"].choices = [
                (value, label)
                for value, label in Level.choices
                if (level_rank(value) > rank if raising else level_rank(value) < rank)
            ]
        if not raising:
            self.fields["reason"].required = True
            self.fields["reason"].label = _("Written reason for lowering")


class ThresholdsForm(forms.Form):
    """The county's thresholds, including what counts as a large prepayment and
    which failed 民发〔2024〕19号 checks become rules of a chosen level."""

    # The number of the unit's own version the page was opened at (0: none yet): a save
    # over a version someone else saved meanwhile is refused, not silently replaced.
    based_on = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    fast_expansion_branches = forms.IntegerField(
        label=_("Branches opened in 36 months that count as fast expansion (Y2)"), min_value=1
    )
    frequent_changes = forms.IntegerField(
        label=_("Changes in 24 months that count as frequent (Y3)"), min_value=1
    )
    complaints = forms.IntegerField(
        label=_("Complaints and reports that put an institution on the orange list (O2)"),
        min_value=1,
    )
    prepaid_fee_months = forms.IntegerField(
        label=_("Prepaid fees are large above this many months of the monthly fee"),
        min_value=1,
        max_value=120,
    )
    large_amount_fee_unknown = forms.DecimalField(
        label=_("Prepaid fees are large from this amount when the monthly fee is unknown (yuan)"),
        min_value=0,
        max_digits=14,
        decimal_places=2,
    )
    deposit_months = forms.IntegerField(
        label=_("A deposit is large above this many months of the bed fee"),
        min_value=1,
        max_value=120,
    )
    fund_use_unverified_level = forms.ChoiceField(
        label=_(
            "V1 待核实: level of a large prepayment whose use of funds is not recorded "
            "(or recorded as unknown)"
        ),
        choices=(),
    )
    operations_check_level = forms.ChoiceField(
        label=_(
            "Level of a failed 民发〔2024〕19号 check when the large prepayment is used for "
            "daily operations"
        ),
        choices=(),
    )
    note = forms.CharField(label=_("Note on this change"), max_length=255, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        levels = [(level, Level(level).label) for level in reversed(LEVELS) if level != Level.GREEN]
        rule_choices = [("", _("Not a rule")), *levels]
        for name in ("fund_use_unverified_level", "operations_check_level"):
            self.fields[name].choices = levels
        for code, clause in COMPLIANCE_CHECKS:
            self.fields[f"rule_{code}"] = forms.ChoiceField(
                label=f"{code} {clause}", choices=rule_choices, required=False
            )
        two = "col-12 col-md-6"
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Fieldset(
                _("Colour rules"),
                Row(
                    Column("fast_expansion_branches", css_class=two),
                    Column("frequent_changes", css_class=two),
                ),
                Row(Column("complaints", css_class=two)),
            ),
            Fieldset(
                _("What counts as a large prepayment"),
                Row(
                    Column("prepaid_fee_months", css_class=two),
                    Column("large_amount_fee_unknown", css_class=two),
                ),
                Row(Column("deposit_months", css_class=two)),
                HTML(
                    '<p class="small text-secondary">{}</p>'.format(
                        _(
                            "Any investment-type payment or bed purchase, and any payment "
                            "with a promised return, always counts as large."
                        )
                    )
                ),
            ),
            Fieldset(
                _("Use of the prepayment funds"),
                Row(
                    Column("fund_use_unverified_level", css_class=two),
                    Column("operations_check_level", css_class=two),
                ),
            ),
            Fieldset(
                _("民发〔2024〕19号 checks that become rules"),
                *[f"rule_{code}" for code, _clause in COMPLIANCE_CHECKS],
            ),
            "note",
            "based_on",
        )

    @classmethod
    def initial_from(cls, thresholds: Thresholds) -> dict:
        initial = thresholds.to_dict()
        rules = initial.pop("compliance_rules")
        initial["large_amount_fee_unknown"] = thresholds.large_amount_fee_unknown
        for code, _clause in COMPLIANCE_CHECKS:
            initial[f"rule_{code}"] = rules.get(code, "")
        return initial

    def thresholds(self) -> Thresholds:
        data = self.cleaned_data
        return Thresholds.from_dict(
            {
                "fast_expansion_branches": data["fast_expansion_branches"],
                "frequent_changes": data["frequent_changes"],
                "complaints": data["complaints"],
                "prepaid_fee_months": data["prepaid_fee_months"],
                "large_amount_fee_unknown": data["large_amount_fee_unknown"],
                "deposit_months": data["deposit_months"],
                "fund_use_unverified_level": data["fund_use_unverified_level"],
                "operations_check_level": data["operations_check_level"],
                "compliance_rules": {
                    code: data[f"rule_{code}"]
                    for code, _clause in COMPLIANCE_CHECKS
                    if data.get(f"rule_{code}")
                },
            }
        )
