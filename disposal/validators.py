"""Evidence uploads: documents and photos only, of a sensible size, that are what they say."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

MAX_EVIDENCE_BYTES = 10 * 1024 * 1024

# Extension → the first bytes a real file of that kind starts with.
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP = b"PK\x03\x04"
SIGNATURES = {
    ".pdf": (b"%PDF",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".doc": (OLE,),
    ".xls": (OLE,),
    ".docx": (ZIP,),
    ".xlsx": (ZIP,),
    ".ofd": (ZIP,),
}
ALLOWED_EXTENSIONS = tuple(SIGNATURES)


def validate_evidence_file(upload) -> None:
    """Refuse oversized files, other types and files whose content does not match the name."""
    name = getattr(upload, "name", "") or ""
    extension = Path(name).suffix.lower()
    if extension not in SIGNATURES:
        raise ValidationError(
            _("Upload a PDF, a photo (JPG, PNG) or an office document (DOC, XLS, OFD …)."),
            code="evidence_type",
        )
    size = getattr(upload, "size", 0) or 0
    if size > MAX_EVIDENCE_BYTES:
        raise ValidationError(
            _("The file is larger than %(limit)s MB.") % {"limit": MAX_EVIDENCE_BYTES // 2**20},
            code="evidence_size",
        )
    if size == 0:
        raise ValidationError(_("The file is empty."), code="evidence_empty")
    position = upload.tell() if hasattr(upload, "tell") else 0
    upload.seek(0)
    head = upload.read(8)
    upload.seek(position)
    if not any(head.startswith(signature) for signature in SIGNATURES[extension]):
        raise ValidationError(
            _("The file's content does not match its type (%(extension)s).")
            % {"extension": extension},
            code="evidence_content",
        )
