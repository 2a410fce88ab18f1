"""How a report table is declared: once, as data (STYLE.md "The report tables").

A ``Table`` is a title, its columns and the paper form's furniture (reporting-unit line,
totals row, footer). Each ``Column`` has a key, a header path, a width, a type and the
function that gives its value from a row; columns that share the start of their header
path are grouped under one merged header cell, so multi-row headers are declared by the
paths alone. Adding a column is one line in the table's declaration.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Any


class ColumnType(StrEnum):
    TEXT = "text"
    INT = "int"
    MONEY = "money"
    PERCENT = "percent"  # a fraction: 0.5 is printed 50.0%
    DATE = "date"


NUMBER_FORMATS = {
    ColumnType.TEXT: "@",
    ColumnType.INT: "0",
    ColumnType.MONEY: "#,##0.00",
    ColumnType.PERCENT: "0.0%",
    ColumnType.DATE: "yyyy-mm-dd",
}

# A column's total: True sums its values; a function computes it from the sums of the other
# summed columns (a percentage of two totals, for instance).
Total = bool | Callable[[dict[str, Any]], Any]


@dataclass(frozen=True)
class Column:
    key: str
    header: tuple[str, ...]
    type: ColumnType = ColumnType.TEXT
    width: float | None = None
    value: Callable[[Any], Any] | None = None
    total: Total = False
    serial: bool = False  # 序号: the row's number, 1, 2, 3 …

    def value_of(self, row, index: int):
        if self.serial:
            return index
        if self.value is not None:
            return self.value(row)
        if isinstance(row, dict):
            return row.get(self.key)
        return getattr(row, self.key, None)

    @property
    def display_width(self) -> float:
        if self.width is not None:
            return self.width
        # Chinese characters are about two Latin characters wide.
        return max(6.0, 2.2 * len(str(self.header[-1])) + 2)


def serial_column(label) -> Column:
    return Column("serial", (label,), ColumnType.INT, width=6, serial=True)


@dataclass(frozen=True)
class Table:
    """One attachment table of a plan, as the paper form prints it."""

    code: str
    title: str
    columns: Sequence[Column]
    totals: bool = True
    unit_line: bool = True
    footer: bool = True
    # 分管领导（签字）under the footer, where the plan has the tables signed by the leader
    # in charge (衡山县: 经单位分管领导签字并加盖公章).
    leader_signature: bool = False
    frozen_columns: int = 0  # columns kept in view when scrolling right (序号, 乡镇 …)
    sheet_title: str = ""
    notes: Sequence[str] = field(default_factory=tuple)

    @property
    def header_depth(self) -> int:
        return max(len(c.header) for c in self.columns)

    def has_totals(self) -> bool:
        return self.totals and any(c.total for c in self.columns)


def ratio(numerator, denominator):
    """A fraction for a percent column, or None when the denominator is unknown or zero."""
    if numerator is None or not denominator:
        return None
    return Decimal(numerator) / Decimal(denominator)
