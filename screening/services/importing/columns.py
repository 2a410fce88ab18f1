"""The types of spreadsheet columns: how a cell people typed becomes a value, or a reason why not.

Cells arrive as openpyxl gives them (str, int, float, datetime, bool or None). Each type
parses a cell, stores the value in the batch's JSON payload between preview and apply,
and reads it back; the messages are the ones shown per row and column.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import override as language

from core.validators import is_phone, normalise_phone
from institutions.validators import validate_credit_code, validate_id_number


class CellError(Exception):
    """A cell that cannot be read; the message says why, in the user's language."""


def is_blank(raw) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


def squeeze(text: str) -> str:
    """Text as compared with declared labels: NFKC, no spaces at all, case-folded."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(text))).casefold()


def cell_text(raw) -> str:
    """A cell as text: whole numbers without ".0", dates as YYYY-MM-DD."""
    if isinstance(raw, bool):
        return _("Yes") if raw else _("No")
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    if isinstance(raw, datetime):
        return raw.date().isoformat() if raw.time() == datetime.min.time() else raw.isoformat()
    if isinstance(raw, date):
        return raw.isoformat()
    return str(raw).strip()


class ColumnType:
    """Text by default; subclasses read numbers, dates, identifiers, choices and units."""

    personal = ""  # "id_number" or "phone": masked in previews for roles that need not see it
    number_format = "@"  # the template's cell format; text keeps long identifiers intact
    empty = ""  # the value of a blank cell in an optional column

    def parse(self, raw, ctx):
        return cell_text(raw)

    def dump(self, value):
        return value

    def load(self, value, ctx):
        return value

    def display(self, value) -> str:
        return "" if value in (None, "") else str(value)

    def describe(self) -> str:
        return _("Text")


@dataclass
class Text(ColumnType):
    max_length: int = 255
    # Identifiers (case numbers, references): NFKC and no spaces, so that （2023） and (2023)
    # or a stray space do not make the same case look like two.
    compact: bool = False

    def parse(self, raw, ctx):
        value = cell_text(raw)
        if self.compact:
            value = re.sub(r"\s+", "", unicodedata.normalize("NFKC", value))
        if len(value) > self.max_length:
            raise CellError(
                _("At most %(max)d characters; this cell has %(n)d.")
                % {"max": self.max_length, "n": len(value)}
            )
        return value

    def describe(self):
        return _("Text, at most %(max)d characters") % {"max": self.max_length}


@dataclass
class Phone(Text):
    max_length: int = 32
    personal: str = "phone"

    def parse(self, raw, ctx):
        value = super().parse(raw, ctx)
        if value and not is_phone(value):
            raise CellError(
                _(
                    "“%(value)s” is not a phone number: a mobile number (13812345678) or a "
                    "landline with its area code (0734-5820307)."
                )
                % {"value": value}
            )
        return normalise_phone(value)

    def describe(self):
        return _("Phone number: a mobile, or a landline with its area code")


DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d")


@dataclass
class Date(ColumnType):
    empty = None
    # True for the date of something that has happened (filed, paid, received): not after today.
    past: bool = True
    number_format: str = "yyyy-mm-dd"

    def parse(self, raw, ctx):
        if isinstance(raw, datetime):
            value = raw.date()
        elif isinstance(raw, date):
            value = raw
        else:
            text = cell_text(raw)
            text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))
            value = None
            for fmt in DATE_FORMATS:
                try:
                    value = datetime.strptime(text, fmt).date()  # noqa: DTZ007 - a calendar date
                    break
                except ValueError:
                    continue
            if value is None:
                raise CellError(
                    _("“%(value)s” is not a date: write it as 2024-01-31.") % {"value": text}
                )
        if value.year < 1900:
            raise CellError(_("The date %(date)s is not plausible.") % {"date": value.isoformat()})
        if self.past and value > ctx.today:
            raise CellError(
                _("The date %(date)s is in the future; it must be today or earlier.")
                % {"date": value.isoformat()}
            )
        return value

    def dump(self, value):
        return value.isoformat()

    def load(self, value, ctx):
        return date.fromisoformat(value)

    def display(self, value):
        return value.isoformat() if value else ""

    def describe(self):
        if self.past:
            return _("Date such as 2024-01-31, not after today")
        return _("Date such as 2024-01-31")


@dataclass
class Amount(ColumnType):
    """Money in yuan: never negative, kept to the fen."""

    empty = None

    max_digits: int = 14
    number_format: str = "#,##0.00"

    def parse(self, raw, ctx):
        if isinstance(raw, bool):
            raise CellError(_("Write an amount in yuan, such as 12000 or 12000.50."))
        if isinstance(raw, int | float):
            text = repr(raw) if isinstance(raw, float) else str(raw)
        else:
            text = unicodedata.normalize("NFKC", cell_text(raw))
            text = re.sub(r"[\s,，元¥￥]", "", text)
        try:
            value = Decimal(text)
        except InvalidOperation:
            raise CellError(
                _("“%(value)s” is not an amount: write a number in yuan, such as 12000.50.")
                % {"value": cell_text(raw)}
            ) from None
        if not value.is_finite():
            raise CellError(_("Write an amount in yuan, such as 12000 or 12000.50."))
        if value < 0:
            raise CellError(
                _("The amount cannot be negative (%(value)s).") % {"value": cell_text(raw)}
            )
        value = value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        if value >= Decimal(10) ** (self.max_digits - 2):
            raise CellError(_("The amount %(value)s is too large.") % {"value": value})
        return value

    def dump(self, value):
        return str(value)

    def load(self, value, ctx):
        return Decimal(value)

    def display(self, value):
        return "" if value is None else f"{value:,.2f}"

    def describe(self):
        return _("Amount in yuan, 0 or more")


@dataclass
class Count(ColumnType):
    """A whole number, 0 or more (beds, residents, months)."""

    empty = None

    number_format: str = "0"

    def parse(self, raw, ctx):
        if isinstance(raw, bool):
            raise CellError(_("Write a whole number, such as 40."))
        if isinstance(raw, float):
            if not raw.is_integer():
                raise CellError(_("Write a whole number, such as 40."))
            value = int(raw)
        elif isinstance(raw, int):
            value = raw
        else:
            text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", cell_text(raw)))
            if not re.fullmatch(r"[+-]?\d+", text):
                raise CellError(_("“%(value)s” is not a whole number.") % {"value": cell_text(raw)})
            value = int(text)
        if value < 0:
            raise CellError(_("The number cannot be negative (%(value)s).") % {"value": value})
        if value > 2_147_483_647:
            raise CellError(_("The number %(value)s is too large.") % {"value": value})
        return value

    def describe(self):
        return _("Whole number, 0 or more")


YES = {"是", "y", "yes", "true", "有", "√", "✓", "1"}
NO = {"否", "n", "no", "false", "无", "×", "✗", "0"}


@dataclass
class YesNo(ColumnType):
    empty = None

    def parse(self, raw, ctx):
        if isinstance(raw, bool):
            return raw
        text = squeeze(cell_text(raw))
        if text in YES:
            return True
        if text in NO:
            return False
        raise CellError(_("Write 是 or 否 (“%(value)s” is neither).") % {"value": cell_text(raw)})

    def display(self, value):
        return "是" if value else "否"

    def describe(self):
        return _("是 or 否")


@dataclass
class Choice(ColumnType):
    """One of a model's choices, written by its Chinese label (or a declared alias).

    ``choices`` are (value, label) pairs; the label in Chinese, in English and the stored
    value are all accepted, so a file filled in either language is read the same way.
    """

    empty = None

    choices: tuple = ()
    aliases: dict = field(default_factory=dict)  # extra wording people use → value

    def _labels(self):
        with language("zh-hans"):
            chinese = [(value, str(label)) for value, label in self.choices]
        return chinese

    def _accepted(self):
        cached = self.__dict__.get("_accepted_cache")
        if cached is not None:
            return cached
        accepted = {}
        for value, label in self.choices:
            accepted[squeeze(value)] = value
            with language("en"):
                accepted[squeeze(str(label))] = value
        for value, label in self._labels():
            accepted[squeeze(label)] = value
        for alias, value in self.aliases.items():
            accepted[squeeze(alias)] = value
        self.__dict__["_accepted_cache"] = accepted
        return accepted

    def parse(self, raw, ctx):
        value = self._accepted().get(squeeze(cell_text(raw)))
        if value is None:
            raise CellError(
                _("“%(value)s” is not one of: %(labels)s.")
                % {"value": cell_text(raw), "labels": "、".join(self.labels())}
            )
        return value

    def labels(self) -> list[str]:
        return [label for _value, label in self._labels()]

    def display(self, value):
        return dict(self._labels()).get(value, value or "")

    def describe(self):
        return _("One of: %(labels)s") % {"labels": "、".join(self.labels())}


def _first_message(exc: ValidationError) -> str:
    return " ".join(str(m) for m in exc.messages)


@dataclass
class CreditCode(ColumnType):
    def parse(self, raw, ctx):
        code = re.sub(r"\s+", "", unicodedata.normalize("NFKC", cell_text(raw))).upper()
        try:
            validate_credit_code(code)
        except ValidationError as exc:
            raise CellError(f"{code}: {_first_message(exc)}") from None
        return code

    def describe(self):
        return _("Unified social credit code, 18 characters")


@dataclass
class IdNumber(ColumnType):
    personal: str = "id_number"

    def parse(self, raw, ctx):
        if isinstance(raw, float):
            # Excel keeps 15 significant digits: an 18-digit number typed into a number cell
            # has already lost its last digits.
            raise CellError(
                _(
                    "The ID number was stored as a number and lost digits: "
                    "format the column as text."
                )
            )
        number = re.sub(r"\s+", "", unicodedata.normalize("NFKC", cell_text(raw))).upper()
        try:
            validate_id_number(number)
        except ValidationError as exc:
            from core.masking import mask_id_number

            raise CellError(f"{mask_id_number(number)}: {_first_message(exc)}") from None
        return number

    def describe(self):
        return _("Citizen ID number, 18 characters (GB 11643)")


@dataclass
class Township(ColumnType):
    """A township or street by its name, among the units the importing user sees."""

    empty = None

    def parse(self, raw, ctx):
        name = cell_text(raw)
        found = ctx.townships_named(name)
        if not found:
            raise CellError(
                _("No township or street named “%(name)s” in your area.") % {"name": name}
            )
        if len(found) > 1:
            raise CellError(
                _("Several townships are named “%(name)s”: write the county before it.")
                % {"name": name}
            )
        return found[0]

    def dump(self, value):
        return value.pk

    def load(self, value, ctx):
        return ctx.unit_by_pk(value)

    def display(self, value):
        return value.name if value else ""

    def describe(self):
        return _("Name of a township or street, such as 开云镇")


@dataclass(frozen=True)
class Column:
    """A column as people write it: its header, the other headers accepted for it, its type.

    ``required`` means the column must be present and every row must have a value in it.
    """

    field: str
    header: str
    type: ColumnType = field(default_factory=Text)
    required: bool = False
    aliases: tuple[str, ...] = ()
    width: int = 16
    help: str = ""

    @property
    def headers(self) -> tuple[str, ...]:
        return (self.header, *self.aliases)
