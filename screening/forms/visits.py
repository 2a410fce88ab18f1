"""Forms of the screening visit: the visit, its interviews (a formset) and its uploads.

Laid out for a phone at the door: the template groups the fields into collapsible sections,
numbers open the numeric keyboard, dates the date picker.
"""

import zipfile

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db.models import Q
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Role, User
from core.files import BMP, GIF, HEIC, IMAGES, JPEG, OLE, OOXML, PDF, PNG, WEBP, clean_image, sniff

from ..models import FundUse, ResidentInterview, ScreeningVisit, YesNoUnknown

MAX_ATTACHMENT_SIZE = 10 * 1024 * 1024
MAX_ATTACHMENTS_PER_SAVE = 20

# What a photo, a PDF or an Office document starts with; the extension alone proves nothing
# (core.files.sniff). Photos are stored as clean copies (core.files.clean_image).
EXTENSIONS = {
    ".jpg": JPEG,
    ".jpeg": JPEG,
    ".png": PNG,
    ".gif": GIF,
    ".webp": WEBP,
    ".heic": HEIC,
    ".heif": HEIC,
    ".bmp": BMP,
    ".pdf": PDF,
    # Office 97–2003 and WPS files are OLE compound documents.
    ".doc": OLE,
    ".xls": OLE,
    ".ppt": OLE,
    ".wps": OLE,
    ".et": OLE,
    ".docx": OOXML,
    ".xlsx": OOXML,
    ".pptx": OOXML,
}
ACCEPT = "image/*," + ",".join(sorted(EXTENSIONS))


def validate_attachment(upload):
    """Refuse files over 10 MB and anything that is not a photo, a PDF or an Office document;
    the file to store: a photo's clean copy (no EXIF, no GPS), any other file as it came."""
    name = upload.name or ""
    if upload.size > MAX_ATTACHMENT_SIZE:
        raise forms.ValidationError(
            _("“%(name)s” is too large (%(size)s): each file may be at most %(limit)s."),
            code="too_large",
            params={
                "name": name,
                "size": filesizeformat(upload.size),
                "limit": f"{MAX_ATTACHMENT_SIZE // (1024 * 1024)} MB",
            },
        )
    extension = ("." + name.rsplit(".", 1)[-1].lower()) if "." in name else ""
    expected = EXTENSIONS.get(extension)
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    found = sniff(head)
    ok = expected is not None and found == expected
    if ok and found == OOXML:
        # An Office Open XML document is a zip with a content-types part; read the directory
        # only, never the members.
        try:
            with zipfile.ZipFile(upload) as archive:
                ok = "[Content_Types].xml" in archive.namelist()
        except (zipfile.BadZipFile, OSError, ValueError):
            ok = False
        upload.seek(0)
    if not ok:
        raise forms.ValidationError(
            _(
                "“%(name)s” is not accepted: upload photos (JPG, PNG, HEIC …), PDF files or "
                "Office documents (Word, Excel, PowerPoint, WPS)."
            ),
            code="bad_type",
            params={"name": name},
        )
    if found in IMAGES:
        try:
            return clean_image(upload, name=name)
        except ValidationError as exc:
            raise forms.ValidationError(exc.messages, code="bad_image") from exc
    return upload


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class AttachmentsField(forms.FileField):
    """Several files at once (a phone's camera or gallery), each checked on its own."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPT}))
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if len(files) > MAX_ATTACHMENTS_PER_SAVE:
            raise forms.ValidationError(
                _("Upload at most %(n)d files at a time."),
                params={"n": MAX_ATTACHMENTS_PER_SAVE},
            )
        cleaned, errors = [], []
        for upload in files:
            try:
                upload = validate_attachment(super().clean(upload, initial))
            except forms.ValidationError as exc:
                errors.extend(exc.error_list)
            else:
                cleaned.append(upload)
        if errors:
            raise forms.ValidationError(errors)
        return cleaned


class AttachmentUploadForm(forms.Form):
    """Files added to a visit on their own (the API's upload): the visit form's field, so the
    same rules — what a file may be, its size, photos stored as clean copies."""

    file = AttachmentsField(label=_("Photos and documents"))
    caption = forms.CharField(label=_("Caption of the files"), max_length=200, required=False)

    def clean_file(self):
        files = self.cleaned_data.get("file") or []
        if not files:
            raise forms.ValidationError(_("Choose a file to upload."), code="required")
        return files

    def uploads(self):
        """``(file, caption)`` pairs for the service."""
        caption = self.cleaned_data.get("caption", "")
        return [(upload, caption) for upload in self.cleaned_data["file"]]


def date_input():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def staff_choices(user, keep=None):
    """Who may be named as the visiting staff: editors in the user's subtree (and whoever is
    already named, so that reopening someone else's visit keeps them)."""
    editors = User.objects.visible_to(user).filter(
        is_active=True, role__in=[Role.TOWNSHIP_STAFF, Role.COUNTY_REVIEWER]
    )
    wanted = editors.values("pk")
    extra = [pk for pk in (user.pk, keep) if pk]
    return User.objects.filter(Q(pk__in=wanted) | Q(pk__in=extra)).order_by(
        "last_name", "first_name", "username"
    )


# The sections of the form, in the order of a visit; the template renders one fieldset each.
SECTIONS = (
    ("visit", _("The visit"), ("visited_on", "staff", "companions", "method", "round")),
    (
        "key_items",
        _("Key items"),
        (
            "operating_entity",
            "marketing_methods",
            "charging_methods",
            "related_companies_found",
            "large_prepayment_found",
            "prepayment_payers_reported",
            "fund_use",
            "promised_returns",
            "false_advertising",
        ),
    ),
    ("red_findings", _("Higher-risk findings"), ("suspected_crime", "collapsed", "public_opinion")),
    (
        "three_musts",
        _("The “three musts”"),
        ("poster_displayed", "notice_to_every_resident", "commitment_letter_signed"),
    ),
    ("findings", _("Findings"), ("findings",)),
)


class ScreeningVisitForm(forms.ModelForm):
    attachments = AttachmentsField(
        label=_("Photos and documents"),
        help_text=_("Photos, PDF or Office documents, at most 10 MB each."),
    )
    attachment_caption = forms.CharField(
        label=_("Caption of the files"),
        max_length=200,
        required=False,
        help_text=_("e.g. the price list on the wall, the membership card contract"),
    )

    class Meta:
        model = ScreeningVisit
        fields = [field for _key, _label, names in SECTIONS for field in names]
        widgets = {
            "visited_on": date_input(),
            "marketing_methods": forms.Textarea(
                attrs={"rows": 2, "placeholder": _("e.g. free trips, health talks, gifts")}
            ),
            "charging_methods": forms.Textarea(
                attrs={"rows": 2, "placeholder": _("e.g. monthly, membership card, top-up")}
            ),
            "related_companies_found": forms.Textarea(attrs={"rows": 2}),
            "findings": forms.Textarea(attrs={"rows": 4}),
            "method": forms.RadioSelect,
            "round": forms.RadioSelect,
            "large_prepayment_found": forms.RadioSelect,
            "prepayment_payers_reported": forms.NumberInput(
                attrs={"inputmode": "numeric", "pattern": "[0-9]*", "min": 0}
            ),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        staff = self.fields["staff"]
        staff.queryset = staff_choices(user, keep=self.instance.staff_id)
        staff.label_from_instance = lambda u: u.display_name
        if self.instance.pk is None:
            # Today (Asia/Shanghai) and the user, unless the instance already says otherwise.
            if not self.initial.get("visited_on"):
                self.initial["visited_on"] = timezone.localdate()
            if not self.initial.get("staff"):
                self.initial["staff"] = user.pk
        self.fields["large_prepayment_found"].choices = YesNoUnknown.choices
        self.fields["fund_use"].choices = FundUse.choices

    @property
    def sections(self):
        sections = []
        for key, label, names in SECTIONS:
            fields = [self[name] for name in names]
            has_errors = any(field.errors for field in fields)
            sections.append({"key": key, "label": label, "fields": fields, "errors": has_errors})
        return sections

    def uploads(self):
        """``(file, caption)`` pairs for the service."""
        caption = self.cleaned_data.get("attachment_caption", "")
        return [(upload, caption) for upload in self.cleaned_data.get("attachments") or []]


class ResidentInterviewForm(forms.ModelForm):
    class Meta:
        model = ResidentInterview
        fields = [
            "interviewee",
            "is_agent",
            "prepayment_collected",
            "amount_mentioned",
            "risks_explained",
            "notes",
        ]
        widgets = {
            "prepayment_collected": forms.RadioSelect,
            "risks_explained": forms.RadioSelect,
            "amount_mentioned": forms.NumberInput(
                attrs={"inputmode": "decimal", "min": 0, "step": "0.01"}
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["interviewee"].help_text = _("A resident or their agent; a surname is enough.")
        self.fields["amount_mentioned"].validators.append(MinValueValidator(0))


InterviewFormSet = forms.inlineformset_factory(
    ScreeningVisit,
    ResidentInterview,
    form=ResidentInterviewForm,
    extra=1,
    can_delete=False,
    max_num=50,
    validate_max=True,
)


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for reopening"),
        max_length=90,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. the prepayment figures are wrong")}),
    )
