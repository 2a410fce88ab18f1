"""The upload form of spreadsheet imports. The file itself is checked by the import service
(size, format, zip bomb, columns, every row), whose messages are put back on the form."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout, Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import ImportKind

XLSX_TYPES = ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ImportUploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("What the spreadsheet contains"), choices=ImportKind.choices)
    file = forms.FileField(
        label=_("Spreadsheet (.xlsx)"),
        help_text=_("An Excel workbook (.xlsx) with one header row; a title row above it is fine."),
        widget=forms.ClearableFileInput(attrs={"accept": XLSX_TYPES}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = True
        self.helper.attrs = {"enctype": "multipart/form-data"}
        self.helper.layout = Layout(
            "kind",
            "file",
            Submit("upload", _("Check the file"), css_class="btn-primary w-100 w-md-auto"),
        )
