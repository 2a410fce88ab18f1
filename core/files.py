"""Uploaded files: checked by what they contain, stored clean, served only through scoped views.

Every upload of the project (a visit's photos and documents, a disposal action's evidence,
a publicity activity's photo) passes through here:

- ``sniff`` names a file's family from its first bytes; the extension alone proves nothing.
- ``clean_image`` decodes a photo with Pillow and writes it again (JPEG, PNG or WebP): what
  is stored is pixels only, without the EXIF block that carries the phone's GPS position,
  without anything appended after the image, turned the way the camera held it. A file that
  does not decode as an image is refused. HEIC photos (iPhones) are read through
  pillow-heif and stored as JPEG, which every office computer opens.
- ``file_response`` is the one way a stored file goes back out: only to a view that found
  the record through ``visible_to``; ``X-Content-Type-Options: nosniff`` and a sandboxing
  Content-Security-Policy always; inline only for raster images, every other file as an
  attachment; in production (``PROTECTED_MEDIA_PREFIX`` set) nginx sends the bytes through
  ``X-Accel-Redirect`` to an ``internal`` location, so ``/media/`` itself is never served.
"""

from __future__ import annotations

import io
import mimetypes
import os
import warnings
from urllib.parse import quote

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponse
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError
from pillow_heif import register_heif_opener

register_heif_opener()

JPEG, PNG, GIF, WEBP, HEIC, BMP, PDF, OLE, OOXML = (
    "jpeg",
    "png",
    "gif",
    "webp",
    "heic",
    "bmp",
    "pdf",
    "ole",
    "ooxml",
)
IMAGES = frozenset({JPEG, PNG, GIF, WEBP, HEIC, BMP})
HEIC_BRANDS = {b"heic", b"heix", b"hevc", b"heim", b"heis", b"mif1", b"msf1", b"heif"}

# A photo larger than this many pixels is refused (a "decompression bomb" is a small file
# that decodes to gigabytes); a 50-megapixel phone photo still passes.
MAX_PIXELS = 60_000_000
# Stored photos are at most this long on their long edge: enough to read a licence on a
# wall, a fraction of the disk of a phone's original.
MAX_EDGE = 2560

# Family → (Pillow format, extension) of the clean copy: what a browser and WPS both open.
_OUTPUT = {
    JPEG: ("JPEG", ".jpg"),
    HEIC: ("JPEG", ".jpg"),
    BMP: ("JPEG", ".jpg"),
    PNG: ("PNG", ".png"),
    GIF: ("PNG", ".png"),
    WEBP: ("WEBP", ".webp"),
}

# Served inline (shown in the browser tab); everything else is downloaded.
INLINE_TYPES = frozenset({"image/jpeg", "image/png", "image/webp"})


def sniff(head: bytes) -> str | None:
    """The family of a file from its first 16 bytes."""
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return GIF
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head[4:8] == b"ftyp" and head[8:12] in HEIC_BRANDS:
        return HEIC
    if head.startswith(b"BM"):
        return BMP
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return OLE
    if head.startswith(b"PK\x03\x04"):
        return OOXML
    return None


def sniff_upload(upload) -> str | None:
    """``sniff`` of an uploaded file, leaving its position where it was."""
    position = upload.tell() if hasattr(upload, "tell") else 0
    upload.seek(0)
    head = upload.read(16)
    upload.seek(position)
    return sniff(head)


def _not_an_image(name: str) -> ValidationError:
    return ValidationError(
        _("“%(name)s” is not a photo that can be opened (JPG, PNG, WebP or HEIC)."),
        code="bad_image",
        params={"name": name},
    )


def clean_image(upload, *, name: str | None = None) -> ContentFile:
    """A photo decoded and written again without its metadata; ``ValidationError`` if the
    file is not a photo of an accepted kind.

    The clean copy keeps the original's name with the extension of what it now is.
    """
    name = os.path.basename(name or getattr(upload, "name", "") or "photo")
    family = sniff_upload(upload)
    if family not in _OUTPUT:
        raise _not_an_image(name)
    upload.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload) as image:
                if image.width * image.height > MAX_PIXELS:
                    raise _not_an_image(name)
                image.load()
                picture = ImageOps.exif_transpose(image)
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError) as exc:
        raise _not_an_image(name) from exc
    except (Image.DecompressionBombWarning, Image.DecompressionBombError) as exc:
        raise _not_an_image(name) from exc
    finally:
        upload.seek(0)
    pil_format, extension = _OUTPUT[family]
    if pil_format == "JPEG" and picture.mode not in ("RGB", "L"):
        picture = picture.convert("RGB")
    elif pil_format == "PNG" and picture.mode not in ("RGB", "RGBA", "L", "LA", "P"):
        picture = picture.convert("RGBA")
    picture.thumbnail((MAX_EDGE, MAX_EDGE))
    out = io.BytesIO()
    # No exif=, no icc_profile=, no pnginfo=: only the pixels are written.
    if pil_format == "JPEG":
        picture.save(out, "JPEG", quality=85, optimize=True)
    else:
        picture.save(out, pil_format)
    stem = os.path.splitext(name)[0] or "photo"
    return ContentFile(out.getvalue(), name=f"{stem}{extension}")


def _content_disposition(kind: str, filename: str) -> str:
    ascii_name = filename.encode("ascii", "ignore").decode() or "file"
    ascii_name = ascii_name.replace('"', "").replace("\\", "")
    return f"{kind}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"


def file_response(
    name: str, *, filename: str | None = None, content_type: str | None = None
) -> HttpResponse:
    """The stored file ``name`` (a storage name, as in ``FieldFile.name``) for a view that
    has already checked that the user may see its record."""
    if not name or not default_storage.exists(name):
        raise Http404(_("The file is no longer there."))
    filename = filename or os.path.basename(name)
    content_type = content_type or mimetypes.guess_type(filename)[0] or "application/octet-stream"
    prefix = getattr(settings, "PROTECTED_MEDIA_PREFIX", "")
    if prefix:
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = prefix.rstrip("/") + "/" + quote(name)
    else:
        response = FileResponse(default_storage.open(name, "rb"), content_type=content_type)
    kind = "inline" if content_type in INLINE_TYPES else "attachment"
    response["Content-Disposition"] = _content_disposition(kind, filename)
    response["X-Content-Type-Options"] = "nosniff"
    # Even if a browser were to render the file as a page, it runs nothing and loads nothing.
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
