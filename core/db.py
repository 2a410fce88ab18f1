"""Database helpers for set-based reads over many rows (the nightly rating, the packs), and
for pages that read many small lists (``fetch_together``)."""

import json
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal

from django.core.exceptions import EmptyResultSet
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.models.expressions import RawSQL


def id_array(ids: list[int]) -> RawSQL:
    """``ids`` as a one-parameter subquery for ``__in``.

    A plain ``__in`` list is prepared value by value each time a query is built: for the
    rating's chunks of thousands of ids and a dozen queries each, that cost more than
    running the queries.
    """
    ids = [int(pk) for pk in ids]
    if connection.vendor == "postgresql":
        return RawSQL("SELECT unnest(%s::bigint[])", (ids,))
    return RawSQL("SELECT value FROM json_each(%s)", (json.dumps(ids),))


def fetch_values(queryset) -> list[tuple]:
    """The rows of a ``values_list()`` queryset (never ``flat``), as tuples.

    On PostgreSQL straight from the cursor: the driver already returns ints, strings,
    booleans, dates and Decimals, and Django's handling of each row cost more than the
    queries at province size. SQLite needs Django's converters (booleans, dates, Decimals).
    """
    db = connections[queryset.db]
    if db.vendor != "postgresql":
        return list(queryset)
    sql, params = queryset.query.sql_with_params()
    with db.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


# --- several reads in one round trip ----------------------------------------------------------

_INTEGERS = {
    "AutoField",
    "BigAutoField",
    "SmallAutoField",
    "IntegerField",
    "BigIntegerField",
    "SmallIntegerField",
    "PositiveIntegerField",
    "PositiveBigIntegerField",
    "PositiveSmallIntegerField",
}
_TEXTS = {
    "CharField",
    "TextField",
    "SlugField",
    "EmailField",
    "URLField",
    "FileField",
    "ImageField",
    "FilePathField",
    "GenericIPAddressField",
    "JSONField",  # Django's PostgreSQL backend reads json as text and decodes it itself
}
_PARSERS = {
    "DecimalField": Decimal,
    "DateField": date.fromisoformat,
    "DateTimeField": datetime.fromisoformat,
    "TimeField": time.fromisoformat,
    "FloatField": float,
    "BooleanField": lambda value: value == "true",
}


@dataclass(frozen=True)
class RawRows:
    """A raw ``SELECT`` for ``fetch_together``: ``columns`` is the number it returns. Its
    rows come back as JSON gives them (numbers with a fraction as Decimals on PostgreSQL,
    as floats on SQLite, as their cursors would)."""

    sql: str
    params: tuple | list
    columns: int


def _kind(field) -> str:
    kind = field.get_internal_type()
    if kind in ("ForeignKey", "OneToOneField"):
        return _kind(field.target_field)
    return kind


def _parser(field):
    kind = _kind(field)
    if kind in _INTEGERS:
        return int
    if kind in _TEXTS:
        return None
    return _PARSERS.get(kind, NotImplemented)


def fetch_together(*reads) -> list[list]:
    """Evaluate several querysets (and ``RawRows``) in one statement, one round trip:
    what each would give evaluated alone (model instances with their ``select_related``
    rows, ``values()`` dicts, ``values_list()`` tuples), in the order given.

    For a page that shows many small lists of one institution, the round trips and the
    statements' overhead are most of its time: ``SELECT (WITH t(c0, …) AS (<query>)
    SELECT json_agg(…) FROM t), (…)`` asks the database once. Each query's SQL is the one
    Django compiles for it, and each row goes through the queryset's own iterable and
    converters, so nothing is computed twice. An aggregate over an ordered subquery keeps
    its order in PostgreSQL and SQLite. A queryset with a column type not mapped here is
    evaluated apart.
    """
    db = connections[DEFAULT_DB_ALIAS]
    postgresql = db.vendor == "postgresql"
    parts, params, plans = [], [], []
    for read in reads:
        if isinstance(read, RawRows):
            sql, read_params, columns, parsers, clone, compiler = (
                read.sql,
                read.params,
                read.columns,
                None,
                None,
                None,
            )
        else:
            clone = read._chain()
            compiler = clone.query.get_compiler(using=clone.db)
            try:
                sql, read_params = compiler.as_sql()
            except EmptyResultSet:
                plans.append(("empty", None, None, None))
                continue
            columns = compiler.col_count
            parsers = [_parser(expression.output_field) for expression, *_ in compiler.select]
            if (
                clone.db != db.alias
                or len(compiler.select) != columns
                or NotImplemented in parsers
                or clone._prefetch_related_lookups
            ):
                plans.append(("apart", read, None, None))
                continue
        names = ", ".join(f"c{i}" for i in range(columns))
        if postgresql:
            # As text, parsed below by each column's type: JSON has no dates or decimals.
            cells = ", ".join(f"c{i}" if parsers is None else f"c{i}::text" for i in range(columns))
            parts.append(
                f"(WITH t({names}) AS ({sql}) "  # noqa: S608 (compiled SQL, parameters apart)
                f"SELECT COALESCE(json_agg(json_build_array({cells})), '[]')::text FROM t)"
            )
        else:
            parts.append(
                f"(WITH t({names}) AS ({sql}) SELECT json_group_array(json_array({names})) FROM t)"  # noqa: S608
            )
        params.extend(read_params)
        plans.append(("together", clone, compiler, parsers))

    texts = iter(())
    if parts:
        with db.cursor() as cursor:
            cursor.execute("SELECT " + ", ".join(parts), params)
            texts = iter(cursor.fetchone())
    results = []
    for how, clone, compiler, parsers in plans:
        if how == "empty":
            results.append([])
        elif how == "apart":
            results.append(list(clone))
        else:
            rows = json.loads(next(texts), parse_float=Decimal if postgresql else float)
            if compiler is None:
                results.append([tuple(row) for row in rows])
                continue
            if postgresql:
                rows = [
                    [
                        value if value is None or parse is None else parse(value)
                        for value, parse in zip(row, parsers, strict=True)
                    ]
                    for row in rows
                ]
            results.append(_evaluated(clone, compiler, rows))
    return results


def _evaluated(queryset, compiler, rows) -> list:
    """``queryset`` evaluated through its own iterable on ``rows`` already fetched."""
    compiler.execute_sql = lambda *args, **kwargs: [rows]
    queryset.query.get_compiler = lambda *args, **kwargs: compiler
    return list(queryset)
