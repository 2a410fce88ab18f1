"""Forms of an institution's records: one small form per kind, one column on a phone."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Fieldset, Layout, Row, Submit
from django import forms
from django.core.validators import MinValueValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from institutions.validators import validate_id_number

from ..models import (
    Branch,
    ChangeKind,
    FinancialSnapshot,
    PersonRole,
    PrepaymentRecord,
    RegistrationChange,
    RelatedCompany,
)

TWO = "col-12 col-md-6"
THREE = "col-12 col-md-4"


def date_input():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def money_input():
    return forms.NumberInput(attrs={"inputmode": "decimal", "min": 0, "step": "0.01"})


def count_input():
    return forms.NumberInput(attrs={"inputmode": "numeric", "pattern": "[0-9]*", "min": 0})


def save_button():
    return Submit("save", _("Save"), css_class="btn-primary btn-lg w-100 w-md-auto")


class RecordForm(forms.ModelForm):
    """The institution is set by the view (from ``?institution=`` or the record itself)."""

    date_fields: tuple[str, ...] = ()

    def __init__(self, *args, user, institution=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if institution is not None:
            self.instance.institution = institution
        self.helper = FormHelper()
        self.helper.layout = self.layout()

    def layout(self):
        return Layout(*self.fields, save_button())

    def clean(self):
        cleaned = super().clean()
        today = timezone.localdate()
        for name in self.date_fields:
            value = cleaned.get(name)
            if value and value > today:
                self.add_error(name, _("The date cannot be in the future."))
        return cleaned


class PrepaymentForm(RecordForm):
    """A payment by an elder. Refunds are not typed here: each is an entry of the refund
    ledger (disposal's refund page), and what was refunded is their sum."""

    date_fields = ("paid_on",)

    class Meta:
        model = PrepaymentRecord
        fields = [
            "payer_name",
            "payer_id_number",
            "payer_phone",
            "kind",
            "amount",
            "paid_on",
            "monthly_fee",
            "months_covered",
            "promised_return",
            "promised_return_note",
            "notes",
        ]
        widgets = {
            "payer_phone": forms.TextInput(attrs={"inputmode": "tel"}),
            "amount": money_input(),
            "monthly_fee": money_input(),
            "months_covered": count_input(),
            "paid_on": date_input(),
        }

    def layout(self):
        return Layout(
            Fieldset(
                _("Payer"),
                "payer_name",
                Row(
                    Column("payer_id_number", css_class=TWO),
                    Column("payer_phone", css_class=TWO),
                ),
            ),
            Fieldset(
                _("Payment"),
                Row(Column("kind", css_class=TWO), Column("amount", css_class=TWO)),
                Row(Column("paid_on", css_class=TWO), Column("monthly_fee", css_class=TWO)),
                "months_covered",
            ),
            Fieldset(_("Promised return"), "promised_return", "promised_return_note", "notes"),
            save_button(),
        )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("promised_return_note") and not cleaned.get("promised_return"):
            cleaned["promised_return"] = True
        return cleaned


class PersonRoleForm(RecordForm):
    """A person with a role. The person is found by ID number (the same person across
    institutions) or created; the role's kind is fixed once recorded."""

    date_fields = ("started_on", "ended_on")

    person_name = forms.CharField(label=_("Name"), max_length=50)
    person_id_number = forms.CharField(
        label=_("Citizen ID number"),
        max_length=18,
        required=False,
        validators=[validate_id_number],
        help_text=_("The same person at several institutions is recognised by this number."),
    )
    person_phone = forms.CharField(
        label=_("Phone"),
        max_length=32,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel"}),
    )

    class Meta:
        model = PersonRole
        fields = ["kind", "started_on", "ended_on", "share_percent"]
        widgets = {
            "started_on": date_input(),
            "ended_on": date_input(),
            "share_percent": forms.NumberInput(
                attrs={"inputmode": "decimal", "min": 0, "max": 100, "step": "0.01"}
            ),
        }
        help_texts = {
            "ended_on": _("Fill in when the person no longer holds the role."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["share_percent"].validators.append(MinValueValidator(0))
        self.fields["share_percent"].max_value = 100
        if self.instance.pk:
            person = self.instance.person
            self.initial.update(
                person_name=person.name,
                person_id_number=person.id_number,
                person_phone=person.phone,
            )
            self.fields["kind"].disabled = True
        else:
            self.fields["kind"].help_text = _(
                "A new legal representative ends the current one's role on the start date "
                "and is counted as a change of legal representative."
            )

    def layout(self):
        return Layout(
            Fieldset(
                _("Person"),
                "person_name",
                Row(
                    Column("person_id_number", css_class=TWO),
                    Column("person_phone", css_class=TWO),
                ),
            ),
            Fieldset(
                _("Role"),
                "kind",
                Row(Column("started_on", css_class=TWO), Column("ended_on", css_class=TWO)),
                "share_percent",
            ),
            save_button(),
        )

    def clean_share_percent(self):
        value = self.cleaned_data.get("share_percent")
        if value is not None and value > 100:
            raise forms.ValidationError(_("A share cannot exceed 100%."))
        return value

    def clean_person_id_number(self):
        return (self.cleaned_data.get("person_id_number") or "").strip().upper()

    def clean(self):
        cleaned = super().clean()
        started, ended = cleaned.get("started_on"), cleaned.get("ended_on")
        if started and ended and ended < started:
            self.add_error("ended_on", _("The end date is before the start date."))
        return cleaned

    def person_data(self):
        data = self.cleaned_data
        return {
            "name": data["person_name"],
            "id_number": data.get("person_id_number", ""),
            "phone": data.get("person_phone", ""),
            "started_on": data.get("started_on"),
            "ended_on": data.get("ended_on"),
            "share_percent": data.get("share_percent"),
        }


class BranchForm(RecordForm):
    date_fields = ("opened_on", "closed_on")

    class Meta:
        model = Branch
        fields = ["name", "address", "opened_on", "closed_on"]
        widgets = {"opened_on": date_input(), "closed_on": date_input()}
        help_texts = {"closed_on": _("Fill in when the branch or service point closes.")}

    def layout(self):
        return Layout(
            "name",
            "address",
            Row(Column("opened_on", css_class=TWO), Column("closed_on", css_class=TWO)),
            save_button(),
        )

    def clean(self):
        cleaned = super().clean()
        opened, closed = cleaned.get("opened_on"), cleaned.get("closed_on")
        if opened and closed and closed < opened:
            self.add_error("closed_on", _("The closing date is before the opening date."))
        return cleaned


class RegistrationChangeForm(RecordForm):
    date_fields = ("changed_on",)

    class Meta:
        model = RegistrationChange
        fields = ["kind", "changed_on", "old_value", "new_value", "source"]
        widgets = {"changed_on": date_input()}
        help_texts = {
            "source": _("e.g. 国家企业信用信息公示系统, the registration certificate"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        kind = self.fields["kind"]
        if self.instance.pk and self.instance.kind == ChangeKind.LEGAL_REPRESENTATIVE:
            # Recorded from the roles; its kind stays what it is.
            kind.disabled = True
        else:
            kind.choices = [
                (value, label)
                for value, label in ChangeKind.choices
                if value != ChangeKind.LEGAL_REPRESENTATIVE
            ]
            kind.help_text = _(
                "A change of legal representative is recorded by adding the new legal "
                "representative under persons and roles. A new registered address also "
                "becomes the institution's registered address."
            )
        if self.instance.pk is None:
            self.fields["old_value"].help_text = _(
                "For an address, leave empty to keep the current registered address."
            )

    def layout(self):
        return Layout(
            Row(Column("kind", css_class=TWO), Column("changed_on", css_class=TWO)),
            "old_value",
            "new_value",
            "source",
            save_button(),
        )


class RelatedCompanyForm(RecordForm):
    class Meta:
        model = RelatedCompany
        fields = ["name", "credit_code", "relation", "has_transactions", "transactions_note"]
        widgets = {"transactions_note": forms.Textarea(attrs={"rows": 3})}

    def clean_credit_code(self):
        return (self.cleaned_data.get("credit_code") or "").strip().upper()


class FinancialSnapshotForm(RecordForm):
    date_fields = ("as_of",)

    class Meta:
        model = FinancialSnapshot
        fields = ["as_of", "total_assets", "total_liabilities", "net_fixed_assets", "source"]
        widgets = {
            "as_of": date_input(),
            "total_assets": money_input(),
            "total_liabilities": money_input(),
            "net_fixed_assets": money_input(),
        }

    def layout(self):
        return Layout(
            "as_of",
            Row(
                Column("total_assets", css_class=THREE),
                Column("total_liabilities", css_class=THREE),
                Column("net_fixed_assets", css_class=THREE),
            ),
            "source",
            save_button(),
        )


class DeleteForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("This entry is wrong; delete it (the history keeps a copy)."), required=True
    )
