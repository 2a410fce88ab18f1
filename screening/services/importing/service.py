"""Upload → preview → apply, the same for every kind of import.

``stage_import`` reads and validates the whole file and keeps the validated rows on an
``ImportBatch``; nothing else is written. ``apply_batch`` writes every row of a clean
batch in one transaction, or none: any row that no longer passes (the registry changed
since the preview) refuses the whole batch.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext as _

from ...models import ImportBatch, ImportStatus
from .columns import CellError, cell_text, is_blank
from .kinds import SPECS
from .reader import Formula, find_table, max_rows, open_workbook
from .spec import SKIP, ImportContext, ImportSpec, Row

# Sent inside the applying transaction with ``batch`` (its ``unit`` is the importing unit).
# Imports write in bulk, which sends no save signals: the rating listens to this instead.
import_applied = Signal()

# The preview shows this many rows; the payload keeps their text as displayed.
PREVIEW_ROWS = 50
# A file with more errors than this is hopeless to read through: the rest are counted.
MAX_ERRORS = 500


def require_importer(user):
    """Only the county section imports (the shared lists of 区县方案 二(二)一: 公安、市场监管等
    部门共享名单)."""
    if not user.can_review:
        raise PermissionDenied(_("Only the county section imports spreadsheets."))
    if user.unit_id is None:
        raise PermissionDenied(_("Your account belongs to no unit."))


def spec_for(kind: str) -> ImportSpec:
    try:
        return SPECS[kind]
    except KeyError:
        raise ValidationError(_("Unknown kind of import.")) from None


def read_rows(spec: ImportSpec, table, ctx: ImportContext) -> list[Row]:
    """Every non-blank row, each cell parsed by its column's type; errors kept per cell."""
    rows = []
    limit = max_rows()
    present = [c for c in spec.columns if c.field in table.positions]
    for number, cells in table.rows():
        if len(rows) >= limit:
            raise ValidationError(
                _("The file has more than %(limit)d rows; split it into several files.")
                % {"limit": limit},
                code="too_many_rows",
            )
        row = Row(number=number)
        shown = len(rows) < PREVIEW_ROWS
        if shown:
            row.display = {}
        for column in present:
            index = table.positions[column.field]
            raw = cells[index] if index < len(cells) else None
            if shown:
                row.display[column.field] = "" if is_blank(raw) else cell_text(raw)
            if isinstance(raw, Formula):
                row.error(
                    column.header,
                    _(
                        "This cell holds a formula (%(formula)s), not a value. Copy the "
                        "column and paste it as values only, then import again."
                    )
                    % {"formula": str(raw)[:40]},
                )
                continue
            if is_blank(raw):
                if column.required:
                    row.error(column.header, _("This column is required; the cell is empty."))
                else:
                    row.values[column.field] = column.type.empty
                continue
            try:
                row.values[column.field] = column.type.parse(raw, ctx)
            except CellError as exc:
                row.error(column.header, str(exc))
        rows.append(row)
    return rows


def validate(spec: ImportSpec, rows: list[Row], ctx: ImportContext) -> None:
    """Every check, in an order where each step sees only rows that passed the ones before."""
    for row in rows:
        if row.ok:
            spec.check(row, ctx)
    spec.resolve([r for r in rows if r.ok], ctx)
    seen = {}
    for row in rows:
        if not row.ok:
            continue
        key = spec.natural_key(row.values)
        if key is None:
            continue
        if key in seen:
            row.error(
                spec.key_label(),
                _("Duplicates row %(row)d (same %(key)s).")
                % {"row": seen[key], "key": spec.key_label()},
            )
        else:
            seen[key] = row.number
    ok = [r for r in rows if r.ok]
    if ok:
        spec.mark_existing(ok, ctx)
    for row in rows:
        if row.ok and row.action != SKIP:
            row.instance = spec.build(row, ctx)
            spec.validate_instance(row, row.instance)


def error_list(rows: list[Row]) -> list[dict]:
    errors = [
        {"row": row.number, "column": column, "message": message}
        for row in rows
        for column, message in row.errors
    ]
    if len(errors) > MAX_ERRORS:
        hidden = len(errors) - MAX_ERRORS
        errors = errors[:MAX_ERRORS]
        errors.append(
            {
                "row": None,
                "column": "",
                "message": _("… and %(n)d more errors not listed.") % {"n": hidden},
            }
        )
    return errors


def payload(spec: ImportSpec, rows: list[Row], *, valid: bool) -> list[dict]:
    """What the preview shows and what apply writes: the parsed values, as JSON."""
    items = []
    for row in rows:
        item = {"row": row.number, "action": row.action, "note": str(row.note)}
        if valid:
            item["values"] = {
                column.field: column.type.dump(row.values[column.field])
                for column in spec.columns
                if row.values.get(column.field) not in (None, "")
            }
        display = row.display
        if display is not None:
            for column in spec.columns:
                if column.field in display and row.values.get(column.field) not in (None, ""):
                    display[column.field] = column.type.display(row.values[column.field])
            item["display"] = display
        elif not valid:
            break
        items.append(item)
    return items


def stage_import(*, user, kind: str, uploaded) -> ImportBatch:
    """Read and validate an uploaded file; keep the result for the preview.

    A file that cannot be read at all (too large, not .xlsx, a zip bomb, no header row,
    missing columns, too many rows) raises ValidationError and writes nothing. A file whose
    rows have errors is kept as an invalid batch with every error, so that the county can
    see them all; only a batch without errors can be applied.
    """
    require_importer(user)
    spec = spec_for(kind)
    ctx = ImportContext(user=user, unit=user.unit)
    workbook = open_workbook(uploaded)
    try:
        table = find_table(workbook, spec.columns)
        rows = read_rows(spec, table, ctx)
    except ValidationError:
        raise
    except Exception:
        # Read-only mode parses the sheets while they are read: a part that is not what it
        # claims (bad XML, a member larger than declared, a wrong checksum) fails here.
        raise ValidationError(
            _("The workbook could not be opened: it is damaged or not a real .xlsx file."),
            code="damaged",
        ) from None
    finally:
        workbook.close()
    if not rows:
        raise ValidationError(_("The file has a header row but no data below it."), code="no_rows")
    validate(spec, rows, ctx)
    errors = error_list(rows)
    valid = not errors
    return ImportBatch.objects.create(
        unit=user.unit,
        kind=spec.kind,
        file_name=(uploaded.name or "")[:255],
        status=ImportStatus.PREVIEWED if valid else ImportStatus.INVALID,
        rows_total=len(rows),
        errors=errors,
        payload=payload(spec, rows, valid=valid),
        uploaded_by=user,
    )


def load_rows(spec: ImportSpec, batch: ImportBatch, ctx: ImportContext) -> list[Row]:
    columns = {c.field: c for c in spec.columns}
    rows = []
    for item in batch.payload:
        values = {
            name: columns[name].type.load(value, ctx)
            for name, value in item.get("values", {}).items()
        }
        for column in spec.columns:
            values.setdefault(column.field, column.type.empty)
        rows.append(Row(number=item["row"], values=values))
    return rows


def apply_batch(*, user, batch: ImportBatch) -> ImportBatch:
    """Write every row of a previewed batch in one transaction: all or nothing, once.

    The batch is claimed by a conditional update (previewed → applied) inside the
    transaction, so a second apply, even a concurrent one, finds nothing to claim.
    """
    require_importer(user)
    if not ImportBatch.objects.visible_to(user).filter(pk=batch.pk).exists():
        raise PermissionDenied(_("This import is outside your unit."))
    spec = spec_for(batch.kind)
    refused = None
    try:
        with transaction.atomic():
            claimed = ImportBatch.objects.filter(pk=batch.pk, status=ImportStatus.PREVIEWED).update(
                status=ImportStatus.APPLIED, applied_at=timezone.now()
            )
            if not claimed:
                batch.refresh_from_db()
                if batch.status == ImportStatus.APPLIED:
                    raise ValidationError(
                        _("This import has already been applied."), code="applied"
                    )
                raise ValidationError(
                    _(
                        "This import has errors and cannot be applied: correct the file "
                        "and upload it again."
                    ),
                    code="invalid",
                )
            batch = ImportBatch.objects.select_related("unit").get(pk=batch.pk)
            ctx = ImportContext(user=user, unit=batch.unit, batch=batch)
            rows = load_rows(spec, batch, ctx)
            validate(spec, rows, ctx)
            errors = error_list(rows)
            if errors:
                refused = errors
                raise ValidationError(
                    _(
                        "The registry changed since the preview and some rows no longer pass: "
                        "nothing was imported. See the errors below."
                    ),
                    code="changed",
                )
            written = spec.write(rows, ctx)
            batch.rows_applied = written
            batch.save(update_fields=["rows_applied"])
            import_applied.send(sender=ImportBatch, batch=batch)
    except IntegrityError:
        raise ValidationError(
            _(
                "Another import wrote the same records meanwhile: nothing was imported. "
                "Upload the file again to see what is new."
            ),
            code="conflict",
        ) from None
    except ValidationError:
        if refused is not None:
            ImportBatch.objects.filter(pk=batch.pk).update(
                status=ImportStatus.INVALID, errors=refused
            )
        raise
    return batch
