"""The county section's form issuing an API key, for an existing system account of its
subtree or for a new one (a name, a unit and a role)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import OrgUnit, Role, User

from .services import SYSTEM_ROLES


class IssueKeyForm(forms.Form):
    name = forms.CharField(
        label=_("Key name"),
        max_length=50,
        help_text=_("Who uses it and what for, e.g. 省养老服务平台 registry sync."),
    )
    account = forms.ModelChoiceField(
        label=_("System account"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("A new system account"),
    )
    account_name = forms.CharField(
        label=_("Name of the new system account"), max_length=150, required=False
    )
    unit = forms.ModelChoiceField(
        label=_("Unit of the new system account"), queryset=OrgUnit.objects.none(), required=False
    )
    role = forms.ChoiceField(
        label=_("Role of the new system account"),
        choices=[(role.value, role.label) for role in Role if role in SYSTEM_ROLES],
        required=False,
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["account"].queryset = (
            User.objects.visible_to(user)
            .filter(is_system_account=True, is_active=True)
            .select_related("unit")
            .order_by("unit__path", "first_name")
        )
        self.fields["account"].label_from_instance = lambda a: (
            f"{a.display_name} · {a.unit} · {a.get_role_display()}"
        )
        self.fields["unit"].queryset = OrgUnit.objects.visible_to(user).order_by("path")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("account") is None:
            for field in ("account_name", "unit", "role"):
                if not cleaned.get(field):
                    self.add_error(field, _("Needed for a new system account."))
        return cleaned
