"""What every kind of import declares, and the context the declarations run in.

A kind is a subclass of ``ImportSpec`` whose body is data: the model, the columns (header,
aliases, type, required), the natural key that makes two rows the same record. Its few
methods say what is particular to it: cross-column checks, references resolved against
the registry in a few queries, and how a validated row becomes a model instance.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from accounts.models import OrgUnit

from .columns import Column, squeeze

CREATE, UPDATE, SKIP = "create", "update", "skip"
BULK_BATCH_SIZE = 500
CHANGE_REASON_LENGTH = 100  # simple-history's history_change_reason column


@dataclass
class Row:
    """One spreadsheet row on its way to the database."""

    number: int  # as Excel shows it
    values: dict = field(default_factory=dict)
    errors: list[tuple[str, str]] = field(default_factory=list)  # (column header, message)
    action: str = CREATE
    note: str = ""  # why it is skipped, what an update changes
    instance: object = None
    resolved: dict = field(default_factory=dict)  # registry rows found for it
    display: dict | None = None  # the cells as the preview shows them (first rows only)

    def error(self, header: str, message: str):
        self.errors.append((header, str(message)))

    @property
    def ok(self) -> bool:
        return not self.errors


class ImportContext:
    """The importing user's view of the registry, loaded lazily and once per import."""

    def __init__(self, *, user, unit, batch=None, today: date | None = None):
        self.user = user
        self.unit = unit
        self.batch = batch
        self.today = today or timezone.localdate()
        self._townships = None
        # The registry rows an import needs (matching.Registry), loaded once when first needed.
        self.registry = None

    def _load_townships(self):
        if self._townships is None:
            self._townships = list(
                OrgUnit.objects.visible_to(self.user).townships().select_related("parent")
            )
        return self._townships

    def townships_named(self, name: str) -> list[OrgUnit]:
        wanted = squeeze(name)
        exact = [u for u in self._load_townships() if squeeze(u.name) == wanted]
        if exact:
            return exact
        # "衡山县开云镇": the county's name before the township's.
        return [
            u
            for u in self._load_townships()
            if u.parent_id and squeeze(u.parent.name + u.name) == wanted
        ]

    def unit_by_pk(self, pk) -> OrgUnit:
        for unit in self._load_townships():
            if unit.pk == pk:
                return unit
        raise ValidationError(_("A township of this import is no longer in your area."))


class ImportSpec:
    """One kind of import, declared as data. Subclasses set the class attributes."""

    kind: str = ""
    # What the spreadsheet is, in the words a clerk files it under: its template downloads
    # as 「<document>导入模板.xlsx」.
    document: str = ""
    model = None
    columns: tuple[Column, ...] = ()
    # The fields whose values make two rows the same record (named in duplicate messages).
    key_fields: tuple[str, ...] = ()

    # --- declarations read by the generic reader --------------------------------------

    def column(self, name: str) -> Column:
        for column in self.columns:
            if column.field == name:
                return column
        raise KeyError(name)

    def header(self, name: str) -> str:
        try:
            return self.column(name).header
        except KeyError:
            return ""

    def key_label(self) -> str:
        return "、".join(self.header(f) for f in self.key_fields)

    # --- what a kind may override ------------------------------------------------------

    def natural_key(self, values: dict):
        """The identity of a row; two rows with the same key are duplicates. None: no key."""
        return tuple(
            squeeze(v) if isinstance(v, str) else v
            for v in (values.get(f) for f in self.key_fields)
        )

    def check(self, row: Row, ctx: ImportContext) -> None:
        """Checks across the columns of one row; add errors with ``row.error``."""

    def resolve(self, rows: list[Row], ctx: ImportContext) -> None:
        """Look up what the rows refer to, in a few queries for all of them."""

    def build(self, row: Row, ctx: ImportContext):
        """An unsaved model instance for a valid row."""
        raise NotImplementedError

    def existing_keys(self, rows: list[Row], ctx: ImportContext) -> set:
        """Natural keys of the rows that are already in the database (one query)."""
        return set()

    def mark_existing(self, rows: list[Row], ctx: ImportContext) -> None:
        """Rows already in the database are skipped, and the preview says so."""
        found = self.existing_keys(rows, ctx)
        for row in rows:
            if self.natural_key(row.values) in found:
                row.action = SKIP
                row.note = _("Already in the system (same %(key)s): it will be skipped.") % {
                    "key": self.key_label()
                }

    def before_write(self, instances: list, ctx: ImportContext) -> None:
        """Set what ``save()`` would have set; bulk_create does not call it."""
        for instance in instances:
            if hasattr(instance, "scope_source"):
                instance.scope_path = instance.scope_source()

    def write(self, rows: list[Row], ctx: ImportContext) -> int:
        """Create every row marked CREATE in bulk, with one history row each; return how many."""
        instances = [row.instance for row in rows if row.action == CREATE]
        if not instances:
            return 0
        self.before_write(instances, ctx)
        bulk_create_with_history(
            instances,
            self.model,
            batch_size=BULK_BATCH_SIZE,
            default_user=ctx.user,
            default_change_reason=change_reason(ctx),
        )
        return len(instances)

    # --- shared by the generic validator -----------------------------------------------

    def validate_instance(self, row: Row, instance) -> None:
        """The model's own field and row rules (clean), without queries: foreign keys come
        from registry rows already found (validating one would cost a query per row) and
        uniqueness is checked per batch by ``existing_keys``."""
        try:
            instance.full_clean(
                exclude=[
                    f.name
                    for f in instance._meta.concrete_fields
                    if f.is_relation or not f.editable or f.auto_created
                ],
                validate_unique=False,
                validate_constraints=False,
            )
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                header = self.header(name)
                for message in messages:
                    row.error(header, message)


def change_reason(ctx: ImportContext) -> str:
    name = ctx.batch.file_name if ctx.batch is not None else ""
    return (_("Imported from %(file)s") % {"file": name})[:CHANGE_REASON_LENGTH]
