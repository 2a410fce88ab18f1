from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Fieldset, Layout, Row, Submit
from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import OrgUnit, UnitLevel
from core.files import clean_image
from institutions.models import Institution

from .figures import (
    COUNTED_RESULT_FIGURES,
    RESULT_FIGURES,
    TYPED_RESULT_FIELDS,
    counted_results,
)
from .models import (
    COUNTY_REPORT_FIELDS,
    NARRATIVE_FIELDS,
    SUMMARY_MAX_CHARS,
    CountyReport,
    PublicityActivity,
    WeeklyReport,
    person_count,
)

MAX_PHOTO_BYTES = 10 * 1024 * 1024


def count_input():
    return forms.NumberInput(attrs={"inputmode": "numeric", "min": 0})


class PublicityActivityForm(forms.ModelForm):
    class Meta:
        model = PublicityActivity
        fields = [
            "township",
            "held_on",
            "place_type",
            "place_name",
            "institution",
            "posters",
            "banners",
            "leaflets",
            "videos",
            "participants",
            "notes",
            "photo",
        ]
        widgets = {
            "held_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "posters": count_input(),
            "banners": count_input(),
            "leaflets": count_input(),
            "videos": count_input(),
            "participants": count_input(),
            "notes": forms.Textarea(attrs={"rows": 2}),
            "photo": forms.ClearableFileInput(
                attrs={"accept": "image/jpeg,image/png,image/webp,image/heic,.heic"}
            ),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["township"].queryset = OrgUnit.objects.visible_to(user).filter(
            level=UnitLevel.TOWNSHIP
        )
        self.fields["institution"].queryset = (
            Institution.objects.visible_to(user).active().select_related("township")
        )
        self.fields["held_on"].widget.attrs["max"] = timezone.localdate().isoformat()
        self.fields["place_type"].help_text = _(
            "The district plan's “three into”: villages, communities, elder-care institutions; "
            "the county plan adds parks, squares and other places where elders gather."
        )
        if self.instance.pk is None:
            township = user.unit.township if user.unit_id else None
            if township is not None:
                self.fields["township"].initial = township.pk
            self.fields["held_on"].initial = timezone.localdate()
        two = "col-12 col-md-6"
        four = "col-6 col-md-3"
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Fieldset(
                _("Where and when"),
                Row(Column("township", css_class=two), Column("held_on", css_class=two)),
                Row(Column("place_type", css_class=two), Column("place_name", css_class=two)),
                "institution",
            ),
            Fieldset(
                _("Four seen"),
                Row(
                    Column("posters", css_class=four),
                    Column("banners", css_class=four),
                    Column("leaflets", css_class=four),
                    Column("videos", css_class=four),
                ),
                "participants",
            ),
            Fieldset(_("Notes"), "notes", "photo"),
            Submit("save", _("Save"), css_class="btn-primary w-100 w-md-auto"),
        )

    def clean_photo(self):
        """A photo only, stored as its clean copy (no EXIF, no GPS): a page, an SVG or a
        renamed program is refused."""
        photo = self.cleaned_data.get("photo")
        if not isinstance(photo, UploadedFile):
            return photo  # unchanged (the stored file) or cleared (False)
        if photo.size > MAX_PHOTO_BYTES:
            raise forms.ValidationError(
                _("The photo is larger than %(limit)s MB."),
                params={"limit": MAX_PHOTO_BYTES // 2**20},
            )
        try:
            return clean_image(photo)
        except ValidationError as exc:
            raise forms.ValidationError(exc.messages) from exc


class WeeklyReportForm(forms.ModelForm):
    """The township's weekly report: the summary (≤ 300 characters), the optional texts of
    any length beside it (good practices and typical cases, difficulties and suggestions)
    and the typed results.

    The results the system counts (``reporting.figures``) are shown read-only beside the
    typed ones, with their source, for the report's township and week: they are never
    posted nor saved (a disabled field ignores what is posted).
    """

    class Meta:
        model = WeeklyReport
        fields = ["summary", *NARRATIVE_FIELDS, *TYPED_RESULT_FIELDS]
        widgets = {
            "summary": forms.Textarea(
                attrs={"rows": 6, "data-max-chars": SUMMARY_MAX_CHARS, "data-char-counter": ""}
            ),
            **{name: forms.Textarea(attrs={"rows": 4}) for name in NARRATIVE_FIELDS},
            **{name: count_input() for name in TYPED_RESULT_FIELDS if name != "funds_refunded"},
            "funds_refunded": forms.NumberInput(
                attrs={"inputmode": "decimal", "min": 0, "step": "0.01"}
            ),
        }

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        for figure in RESULT_FIGURES:
            if figure.key in self.fields:
                self.fields[figure.key].label = figure.label
                self.fields[figure.key].help_text = figure.source.label
        report = self.instance
        if report.township_id and report.year and report.week:
            self._add_counted(counted_results(report.township, report.period, user))

    def _add_counted(self, row):
        for figure in COUNTED_RESULT_FIGURES:
            self.fields[figure.key] = forms.CharField(
                label=figure.label,
                help_text=figure.source.label,
                required=False,
                disabled=True,
            )
            self.initial[figure.key] = figure.count(row)

    def clean_summary(self):
        summary = self.cleaned_data.get("summary", "")
        count = person_count(summary)
        if count > SUMMARY_MAX_CHARS:
            raise forms.ValidationError(
                _("At most %(max)d characters; this text has %(count)d."),
                params={"max": SUMMARY_MAX_CHARS, "count": count},
                code="too_long",
            )
        return summary

    @property
    def results(self) -> dict:
        return {name: self.cleaned_data[name] for name in TYPED_RESULT_FIELDS}

    @property
    def narrative(self) -> dict:
        return {name: self.cleaned_data.get(name, "") for name in NARRATIVE_FIELDS}

    def narrative_fields(self):
        return [self[name] for name in NARRATIVE_FIELDS]

    def result_fields(self):
        """The results' fields: the typed ones, then the counted ones (read-only)."""
        keys = {figure.key for figure in RESULT_FIGURES}
        return [self[name] for name in self.fields if name in keys]


def clean_summary_length(summary: str) -> str:
    count = person_count(summary)
    if count > SUMMARY_MAX_CHARS:
        raise forms.ValidationError(
            _("At most %(max)d characters; this text has %(count)d."),
            params={"max": SUMMARY_MAX_CHARS, "count": count},
            code="too_long",
        )
    return summary


class CountyReportForm(forms.ModelForm):
    """The county's own report of a week or a month: the summary (≤ 300 characters, as a
    township's) and the six texts of the plan (相关部署、进展成效、经验做法、典型案例、困难问题、
    意见建议), each optional."""

    class Meta:
        model = CountyReport
        fields = ["summary", *COUNTY_REPORT_FIELDS]
        widgets = {
            "summary": forms.Textarea(
                attrs={"rows": 6, "data-max-chars": SUMMARY_MAX_CHARS, "data-char-counter": ""}
            ),
            **{name: forms.Textarea(attrs={"rows": 3}) for name in COUNTY_REPORT_FIELDS},
        }

    def clean_summary(self):
        return clean_summary_length(self.cleaned_data.get("summary", ""))

    @property
    def sections(self) -> dict:
        return {name: self.cleaned_data.get(name, "") for name in COUNTY_REPORT_FIELDS}

    def section_fields(self):
        return [self[name] for name in COUNTY_REPORT_FIELDS]


class ReviewReasonForm(forms.Form):
    """Why the county sends a weekly report back (returned or reopened): the township reads it."""

    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class PublicationPrepareForm(forms.Form):
    """The date of a publication list (政务公开) and the start of its period of inspections
    and penalties."""

    as_of = forms.DateField(
        label=_("Publication date"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    since = forms.DateField(
        label=_("Inspections and penalties from"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def clean(self):
        cleaned = super().clean()
        since, as_of = cleaned.get("since"), cleaned.get("as_of")
        if since and as_of and since > as_of:
            self.add_error("since", _("The period starts on or before the publication date."))
        return cleaned
