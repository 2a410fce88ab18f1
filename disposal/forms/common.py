"""What the forms of disposal share: laid out for a phone first (one column) and a desk (two
columns), and the people who can be put in charge of an action or a venue (包干到人)."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Field, Layout, Row, Submit
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Role, User, path_ids

TWO = "col-12 col-md-6"
SUBMIT_CSS = "btn-primary w-100 w-md-auto"


def date_input():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def staff_for(institution, user):
    """People who can be put in charge: staff of the institution's township (or a unit below
    it) and of the units above it, among the users the current user may see."""
    township_path = institution.township.path
    ancestors = path_ids(township_path)
    return (
        User.objects.visible_to(user)
        .filter(is_active=True, role__in=[Role.TOWNSHIP_STAFF, Role.COUNTY_REVIEWER])
        .filter(Q(unit__path__startswith=township_path) | Q(unit_id__in=ancestors))
        .select_related("unit")
        .order_by("unit__path", "last_name", "first_name")
    )


def rows_of_two(*names):
    pairs = [names[i : i + 2] for i in range(0, len(names), 2)]
    return [Row(*(Column(name, css_class=TWO) for name in pair)) for pair in pairs]


class InstitutionRecordForm(forms.ModelForm):
    """A record of one institution (the institution comes from the URL, never the form)."""

    submit_label = _("Save")

    def __init__(self, *args, user, institution=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.institution = institution
        if institution is not None:
            self.instance.institution = institution
        self.helper = FormHelper()
        self.helper.layout = Layout(
            *rows_of_two(*[name for name in self.fields if name not in ("notes", "reason")]),
            *[Field(name) for name in ("reason", "notes") if name in self.fields],
            Submit("save", self.submit_label, css_class=SUBMIT_CSS),
        )
