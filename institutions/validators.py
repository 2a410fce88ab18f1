"""Validators for identifiers found on registration certificates and ID cards."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# GB 32100-2015: the 31 characters allowed in a 统一社会信用代码 (no I, O, Z, S, V).
CREDIT_CODE_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def credit_code_check_char(first17: str) -> str:
    """The 18th character of a 统一社会信用代码 computed from the first 17 (GB 32100-2015)."""
    total = sum(
        CREDIT_CODE_CHARSET.index(ch) * w
        for ch, w in zip(first17, CREDIT_CODE_WEIGHTS, strict=True)
    )
    return CREDIT_CODE_CHARSET[(31 - total % 31) % 31]


def validate_credit_code(value: str) -> None:
    """Raise ValidationError unless ``value`` is a well-formed 统一社会信用代码."""
    code = (value or "").strip().upper()
    if len(code) != 18:
        raise ValidationError(
            _("A unified social credit code has 18 characters; this one has %(n)d."),
            code="credit_code_length",
            params={"n": len(code)},
        )
    bad = sorted({ch for ch in code if ch not in CREDIT_CODE_CHARSET})
    if bad:
        raise ValidationError(
            _("A unified social credit code cannot contain %(chars)s."),
            code="credit_code_charset",
            params={"chars": "、".join(bad)},
        )
    if credit_code_check_char(code[:17]) != code[17]:
        raise ValidationError(
            _("The check character of this unified social credit code is wrong."),
            code="credit_code_check",
        )


# GB 11643-1999: 18-character citizen ID number, ISO 7064 MOD 11-2 check character.
ID_NUMBER_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_NUMBER_CHECK = "10X98765432"
ID_NUMBER_RE = re.compile(r"^\d{17}[\dX]$")


def id_number_check_char(first17: str) -> str:
    return ID_NUMBER_CHECK[
        sum(int(c) * w for c, w in zip(first17, ID_NUMBER_WEIGHTS, strict=True)) % 11
    ]


def validate_id_number(value: str) -> None:
    """Raise ValidationError unless ``value`` is a well-formed 居民身份证号码 (GB 11643)."""
    number = (value or "").strip().upper()
    if not ID_NUMBER_RE.match(number):
        raise ValidationError(
            _("A citizen ID number has 17 digits followed by a digit or X."),
            code="id_number_format",
        )
    if id_number_check_char(number[:17]) != number[17]:
        raise ValidationError(
            _("The check character of this citizen ID number is wrong."), code="id_number_check"
        )
