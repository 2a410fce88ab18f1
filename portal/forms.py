"""The audit log's filters: who, which kind of record, when, which township, what kind of change."""

from itertools import groupby

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import OrgUnit, User

from .audit import HISTORY_TYPES, AuditFilter, audit_kinds


def kind_choices():
    """Grouped by app: the whole section first, then each kind of record in it."""
    kinds = sorted(audit_kinds().values(), key=lambda k: (k.model._meta.app_label, k.label))
    choices = [("", _("All records"))]
    for app_label, group in groupby(kinds, key=lambda k: k.model._meta.app_label):
        group = list(group)
        section = group[0].section
        options = [(app_label, _("All of %(section)s") % {"section": section})]
        options += [(kind.code, kind.label) for kind in group]
        choices.append((section, options))
    return choices


class AuditFilterForm(forms.Form):
    user = forms.ModelChoiceField(label=_("Who"), queryset=User.objects.none(), required=False)
    kind = forms.ChoiceField(label=_("Kind of record"), required=False)
    township = forms.ModelChoiceField(
        label=_("Township"), queryset=OrgUnit.objects.none(), required=False
    )
    history_type = forms.ChoiceField(
        label=_("Change"),
        required=False,
        choices=[("", _("Any change")), *HISTORY_TYPES.items()],
    )
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = (
            User.objects.visible_to(user).select_related("unit").order_by("unit__path", "username")
        )
        self.fields["user"].label_from_instance = lambda u: f"{u.display_name}（{u.username}）"
        self.fields["township"].queryset = OrgUnit.objects.visible_to(user).townships()
        self.fields["kind"].choices = kind_choices()

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            raise forms.ValidationError(_("The start date is after the end date."))
        return data

    def to_filter(self) -> AuditFilter:
        if not self.is_valid():
            return AuditFilter()
        data = self.cleaned_data
        kind = data.get("kind") or ""
        if "." in kind:
            kinds = (kind,)
        elif kind:
            kinds = tuple(code for code in audit_kinds() if code.startswith(f"{kind}."))
        else:
            kinds = ()
        user = data.get("user")
        return AuditFilter(
            user_id=user.pk if user else None,
            kinds=kinds,
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            township=data.get("township"),
            history_type=data.get("history_type") or "",
        )
