"""Validators of values typed anywhere in the product (forms, imports, the admin)."""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# A mainland mobile (13x…19x, eleven digits, +86 allowed), a landline with its area code
# (0734-5820307, (0734)5820307, an extension after 转, -, # or 分机), or a 400/800 number.
_MOBILE = r"(?:\+?86-?)?1[3-9]\d-?\d{4}-?\d{4}"
_LANDLINE = r"(?:\(0\d{2,3}\)|0\d{2,3}-?)[2-9]\d{6,7}(?:(?:转|-|#|分机|ext\.?)\d{1,6})?"
_SERVICE = r"[48]00-?\d{3}-?\d{4}"
PHONE = re.compile(rf"(?:{_MOBILE}|{_LANDLINE}|{_SERVICE})", re.IGNORECASE)


def normalise_phone(value: str) -> str:
    """Full-width digits and brackets to half-width, spaces dropped: 0734 - 582 0307 →
    0734-5820307."""
    text = unicodedata.normalize("NFKC", value or "")
    return re.sub(r"\s+", "", text).replace("—", "-").replace("－", "-")


def is_phone(value: str) -> bool:
    return PHONE.fullmatch(normalise_phone(value)) is not None


def validate_phone(value: str) -> None:
    if value and not is_phone(value):
        raise ValidationError(
            _(
                "Not a phone number: write a mobile number (13812345678) or a landline with "
                "its area code (0734-5820307; an extension after 转)."
            ),
            code="phone",
        )
