"""Spreadsheet imports: read safely, validate every row, apply all rows or none.

Each kind of import is declared once as data in ``kinds`` (columns with their Chinese
headers, aliases and types; the natural key; how a row becomes a record). One reader
(``reader``), one set of column types (``columns``) and one validator (``service``) serve
every kind, so a new list from the police or market regulation gets the same checks and
the same per-row error report.
"""

from .kinds import SPECS
from .service import PREVIEW_ROWS, apply_batch, require_importer, spec_for, stage_import
from .template import template_workbook

__all__ = [
    "PREVIEW_ROWS",
    "SPECS",
    "apply_batch",
    "require_importer",
    "spec_for",
    "stage_import",
    "template_workbook",
]
