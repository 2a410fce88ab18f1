"""Spreadsheet imports: read safely, validate every row, apply all rows or none.

Each kind of import is declared once as data, in a module of its own in ``kinds`` (columns
with their Chinese headers, aliases and types; the natural key; how a row becomes a
record), and ``kinds.SPECS`` maps an ImportKind to its declaration. One reader (``reader``),
one set of column types (``columns``) and one validator (``service``) serve every kind, so
a new list from the police or market regulation gets the same checks and the same per-row
error report.
"""
