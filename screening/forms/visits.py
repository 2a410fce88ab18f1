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

from ..models import FundUse, PendingAttachment, ResidentInterview, ScreeningVisit, YesNoUnknown

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
        # The good files of a form that is refused are kept (PendingAttachment), even when
        # another file of the same choice was refused.
        self.accepted = cleaned
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


class KeptFilesField(forms.ModelMultipleChoiceField):
    """The kept files still ticked; empty values (a hand-made or replayed post) are none."""

    def clean(self, value):
        if isinstance(value, list | tuple):
            value = [v for v in value if v not in ("", None)]
        return super().clean(value)


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
        (
            "poster_displayed",
            "residents_housed",
            "notices_handed_out",
            "receipts_collected",
            "notice_to_every_resident",
            "commitment_letter_signed",
        ),
    ),
    ("findings", _("Findings"), ("findings",)),
)


# 告知书 counted against the elders housed (issue 20): the notice box follows these counts.
NOTICE_COUNTS = ("residents_housed", "notices_handed_out", "receipts_collected")


# Filled by the page's script, not typed: when the form was opened and completed (the
# phone's clock) and, when the person allows it, where the phone was.
WHEN_WHERE = ("form_opened_at", "form_completed_at", "latitude", "longitude", "position_accuracy")


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
    # Files chosen on an earlier try of this form that came back with errors, kept on the
    # server; a box unticked leaves that file out.
    kept_attachments = KeptFilesField(
        label=_("Files kept from your last try"),
        queryset=PendingAttachment.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Untick a file to leave it out."),
    )
    # The visit's own id, made when the form is opened (or by the field app on the phone):
    # sending the form twice records the visit once.
    client_id = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    class Meta:
        model = ScreeningVisit
        fields = [field for _key, _label, names in SECTIONS for field in names] + list(WHEN_WHERE)
        widgets = {
            **dict.fromkeys(WHEN_WHERE, forms.HiddenInput),
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
            **dict.fromkeys(
                (
                    "prepayment_payers_reported",
                    *NOTICE_COUNTS,
                ),
                forms.NumberInput(attrs={"inputmode": "numeric", "pattern": "[0-9]*", "min": 0}),
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
            # The registry's count of residents as a start; the staff correct it at the door.
            institution = self.instance.institution if self.instance.institution_id else None
            if institution is not None and self.initial.get("residents_housed") is None:
                self.initial["residents_housed"] = institution.residents
        # What the person should know although the visit is saved (messages.warning).
        self.warnings: list[str] = []
        self.fields["large_prepayment_found"].choices = YesNoUnknown.choices
        self.fields["fund_use"].choices = FundUse.choices
        kept = self.fields["kept_attachments"]
        kept.queryset = PendingAttachment.objects.visible_to(user).order_by("pk")
        kept.label_from_instance = lambda pending: pending.name
        if self.is_bound:
            # Only the files this form kept are offered again, not older ones.
            name = self.add_prefix("kept_attachments")
            if hasattr(self.data, "getlist"):
                values = self.data.getlist(name)
            else:
                values = self.data.get(name) or []
                values = values if isinstance(values, list | tuple) else [values]
            ids = [str(v) for v in values if str(v).isdigit()]
            self.offered_kept = list(kept.queryset.filter(pk__in=ids))
        else:
            self.offered_kept = []
        kept.choices = [(p.pk, p.name) for p in self.offered_kept]
        kept.widget.choices = kept.choices

    def clean(self):
        cleaned = super().clean()
        residents = cleaned.get("residents_housed")
        notices = cleaned.get("notices_handed_out")
        ticked = cleaned.get("notice_to_every_resident")
        if ticked and residents and notices is not None and notices < residents:
            # Not refused: the box is set from the counts (ScreeningVisit.clean).
            self.warnings.append(
                _(
                    "The notice was handed out to %(notices)d of %(residents)d elders: "
                    "“notice to every resident” is not counted as done."
                )
                % {"notices": notices, "residents": residents}
            )
        return cleaned

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

    def kept(self):
        """The kept files still ticked (PendingAttachment rows) for the service."""
        return list(self.cleaned_data.get("kept_attachments") or [])

    def keep_uploads(self):
        """The form is refused: keep its accepted new files and those still ticked, and
        offer them again on the page it is returned with. Returns the kept rows."""
        ticked = "kept_attachments" in self.cleaned_data
        still = self.kept() if ticked else list(self.offered_kept)
        caption = self.cleaned_data.get("attachment_caption", "")
        accepted = getattr(self.fields["attachments"], "accepted", [])
        for upload in accepted:
            still.append(
                PendingAttachment.objects.create(owner=self.user, file=upload, caption=caption)
            )
        data = self.data.copy()
        data.setlist(self.add_prefix("kept_attachments"), [str(p.pk) for p in still])
        self.data = data
        self.offered_kept = still
        field = self.fields["kept_attachments"]
        field.choices = [(p.pk, p.name) for p in still]
        field.widget.choices = field.choices
        return still


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


def _posted(bound) -> list[str]:
    """What a browser would post for ``bound`` as it stands (unticked boxes: nothing)."""
    field, value = bound.field, bound.value()
    if isinstance(field, forms.FileField | KeptFilesField) or bound.name == "client_id":
        return []
    if isinstance(field.widget, forms.CheckboxInput):
        return ["on"] if value else []
    if value is None:
        return [""]
    if isinstance(value, list | tuple):
        return [str(v) for v in value]
    if hasattr(value, "isoformat"):
        return [value.isoformat()]
    return [str(value)]


def post_pairs(form, formset=None, interviews=None) -> list[list[str]]:
    """The edit form of a visit as ``[name, value]`` pairs, as the page would post it: what
    the field app keeps on the phone to edit a draft offline. ``interviews`` (the visit's
    interviews, prefetched) stand for the formset without a query of its own."""
    pairs = []
    items = [form]
    if formset is not None:
        items += [formset.management_form, *formset.forms]
    for item in items:
        for bound in item:
            pairs.extend([bound.html_name, value] for value in _posted(bound))
    if formset is None:
        interviews = list(interviews or [])
        pairs += [
            ["interviews-TOTAL_FORMS", str(len(interviews))],
            ["interviews-INITIAL_FORMS", str(len(interviews))],
            ["interviews-MIN_NUM_FORMS", "0"],
            ["interviews-MAX_NUM_FORMS", "50"],
        ]
        for index, interview in enumerate(interviews):
            prefix = f"interviews-{index}"
            pairs += [
                [f"{prefix}-id", str(interview.pk)],
                [f"{prefix}-visit", str(form.instance.pk)],
            ]
            sub = ResidentInterviewForm(instance=interview, prefix=prefix)
            for bound in sub:
                pairs.extend([bound.html_name, value] for value in _posted(bound))
    return pairs


def shown_value(field, values: list[str]) -> str:
    """A posted value as a person reads it: choices by their label, boxes as 是/否."""
    if isinstance(field.widget, forms.CheckboxInput):
        return str(_("Yes") if values and values[0] not in ("", "off", "false") else _("No"))
    value = values[0] if values else ""
    choices = getattr(field, "choices", None)
    if choices is not None and not isinstance(field, forms.ModelChoiceField):
        return str({str(k): v for k, v in choices}.get(value, value))
    if isinstance(field, forms.ModelChoiceField) and value:
        found = field.queryset.filter(pk=value).first() if str(value).isdigit() else None
        return getattr(found, "display_name", str(found or value))
    return value


def compare(form_class_kwargs, mine, theirs) -> list[dict]:
    """The visit's fields that differ between two posted versions: label, mine, theirs."""
    form = ScreeningVisitForm(**form_class_kwargs)
    rows = []
    for _key, _label, names in SECTIONS:
        for name in names:
            field = form.fields[name]
            a, b = mine.getlist(name), theirs.getlist(name)
            shown_a, shown_b = shown_value(field, a), shown_value(field, b)
            if shown_a != shown_b:
                rows.append(
                    {"name": name, "label": str(field.label), "mine": shown_a, "theirs": shown_b}
                )
    a, b = interviews_summary(mine), interviews_summary(theirs)
    if a != b:
        rows.append({"name": "interviews", "label": str(_("Interviews")), "mine": a, "theirs": b})
    return rows


def interviews_summary(data) -> str:
    try:
        total = int(data.get("interviews-TOTAL_FORMS") or 0)
    except ValueError:
        total = 0
    names = []
    for index in range(min(total, 50)):
        name = (data.get(f"interviews-{index}-interviewee") or "").strip()
        notes = (data.get(f"interviews-{index}-notes") or "").strip()
        if name or notes:
            names.append(" ".join(part for part in (name, notes) if part))
    return "；".join(names) or "—"
