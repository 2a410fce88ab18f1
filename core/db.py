"""Database helpers for set-based reads over many rows (the nightly rating, the packs), and
for pages that read many small lists (``fetch_together``)."""

import copy
import itertools
import json
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal

from django.core.exceptions import EmptyResultSet
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connection, connections
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
    statement = _compile(reads)
    return _run(statement, statement.params)


@dataclass
class _Statement:
    """Reads compiled into one ``SELECT``: its SQL and parameters, and how each read's rows
    come back (``plans``: ``(how, queryset, compiler, parsers)``)."""

    sql: str
    params: list
    plans: list


def _compile(reads) -> _Statement:
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
    return _Statement("SELECT " + ", ".join(parts) if parts else "", params, plans)


def _run(statement: _Statement, params, shared: bool = False) -> list[list]:
    """The rows of each read of ``statement``, asked with ``params``. ``shared``: the
    statement's querysets and compilers serve other calls too (``fetch_shaped``), so each
    read's rows go through copies of them."""
    db = connections[DEFAULT_DB_ALIAS]
    postgresql = db.vendor == "postgresql"
    texts = iter(())
    if statement.sql:
        with db.cursor() as cursor:
            if not (shared and postgresql and _execute_prepared(db, cursor, statement, params)):
                cursor.execute(statement.sql, params)
            texts = iter(cursor.fetchone())
    results = []
    for how, clone, compiler, parsers in statement.plans:
        if how == "empty":
            results.append([])
        elif how == "apart":
            results.append(list(clone._chain()))
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
            if shared:
                clone, compiler = clone._chain(), copy.copy(compiler)
            results.append(_evaluated(clone, compiler, rows))
    return results


# PostgreSQL's type of a parameter, by its Python type (in this order: a bool is an int, a
# datetime a date); a statement with a parameter of another type is not prepared.
_PG_TYPES = (
    (bool, "boolean"),
    (int, "bigint"),
    (Decimal, "numeric"),
    (float, "double precision"),
    (datetime, "timestamptz"),
    (date, "date"),
    (str, "text"),
)


def _pg_type(value) -> str | None:
    for kind, name in _PG_TYPES:
        if isinstance(value, kind):
            return name
    if isinstance(value, list) and all(type(item) is int for item in value):
        return "bigint[]"
    return None


_prepared_numbers = itertools.count(1)


def _execute_prepared(db, cursor, statement: _Statement, params) -> bool:
    """Run a shaped statement (``fetch_shaped``) as a prepared statement of this connection,
    which PostgreSQL plans once (``plan_cache_mode=force_generic_plan``, the settings)
    instead of at each page: the institution page's four statements cost 15–18 ms of
    PostgreSQL's time per view, more planning than running; prepared, 8 ms
    (docs/performance.md, "load").

    Only outside a transaction (a page's request): a refused ``PREPARE`` would end an open
    one. False, to run it plainly, inside a transaction, when a parameter's type is not one
    of ``_PG_TYPES``, when PostgreSQL refuses to prepare it, or when the connection no longer
    has it (a pooler's ``DISCARD ALL``: prepared again next time)."""
    if db.in_atomic_block:
        return False
    raw = db.connection
    known = getattr(db, "_prepared_shapes", None)
    if known is None or known[0] is not raw:  # a new connection has none of them
        known = (raw, {})
        db._prepared_shapes = known
    names = known[1]
    name = names.get(statement.sql)
    if name is None:
        types = [_pg_type(value) for value in params]
        name = False
        if None not in types:
            name = f"shape_{next(_prepared_numbers)}"
            numbered = iter(range(1, len(types) + 1))
            text = re.sub(
                r"%%|%s", lambda m: "%" if m[0] == "%%" else f"${next(numbered)}", statement.sql
            )
            try:
                cursor.execute(f"PREPARE {name} ({', '.join(types)}) AS {text}")
            except DatabaseError:
                name = False
        names[statement.sql] = name
    if name is False:
        return False
    arguments = ", ".join(["%s"] * len(params))
    try:
        cursor.execute(f"EXECUTE {name} ({arguments})" if params else f"EXECUTE {name}", params)
    except DatabaseError:
        del names[statement.sql]
        return False
    return True


# --- the same statement for another institution -----------------------------------------------

# Stands for the value a shaped statement is asked with (``fetch_shaped``): an id no table
# holds, and digits no other parameter contains.
_SLOT = -4_611_686_018_427_387_903
_SHAPES_MAX = 256
_shapes: OrderedDict = OrderedDict()
_shapes_lock = threading.Lock()


def fetch_shaped(key: tuple, build, value: int) -> list[list]:
    """``fetch_together(*build(value))``, with the statement compiled once per ``key``.

    Building and compiling the querysets of a page's panels costs more than running them
    (a third of the institution page, ~70 statements and subqueries). For the same
    ``key`` only ``value`` (an institution's id) changes, so the statement is compiled
    once and ``value`` bound at each call. ``key`` names everything else the statement
    depends on (the day, the thresholds, the user's scope…); ``build`` must give reads
    whose SQL depends on ``value`` only through their parameters (no branch on it).

    The first call of a key builds the reads twice, with ``value`` and with a stand-in,
    and keeps the compiled statement only when binding ``value`` into the stand-in's gives
    exactly the statement compiled for ``value``; a key whose statement does not (or has a
    read evaluated apart) is compiled at every call, as ``fetch_together`` does.
    """
    value = int(value)
    key = (connections[DEFAULT_DB_ALIAS].vendor, *key)
    with _shapes_lock:
        shape = _shapes.get(key, False)
        if shape is not False:
            _shapes.move_to_end(key)
    if shape is None:
        return fetch_together(*build(value))
    if shape is not False:
        return _run(shape, _bound(shape.params, value), shared=True)
    statement = _compile(build(value))
    shape = _compile(build(_SLOT))
    if not _same_shape(shape, statement, value):
        shape = None
    with _shapes_lock:
        _shapes[key] = shape
        while len(_shapes) > _SHAPES_MAX:
            _shapes.popitem(last=False)
    return _run(statement, statement.params)


def _bound(params, value: int) -> list:
    """``params`` of a statement compiled with ``_SLOT``, with ``value`` in its place
    (itself, in an array of ids, or in an array's JSON text on SQLite)."""
    slot, text = _SLOT, str(_SLOT)
    bound = []
    for param in params:
        if type(param) is int and param == slot:
            param = value
        elif isinstance(param, list):
            param = [value if type(item) is int and item == slot else item for item in param]
        elif isinstance(param, str) and text in param:
            param = param.replace(text, str(value))
        bound.append(param)
    return bound


def _same_shape(shape: _Statement, statement: _Statement, value: int) -> bool:
    return (
        shape.sql == statement.sql
        and _bound(shape.params, value) == statement.params
        and [plan[0] for plan in shape.plans] == [plan[0] for plan in statement.plans]
        and all(how != "apart" for how, *_ in shape.plans)
    )


def forget_shapes():
    """Drop every compiled statement (tests that change what a key stands for)."""
    with _shapes_lock:
        _shapes.clear()


def _evaluated(queryset, compiler, rows) -> list:
    """``queryset`` evaluated through its own iterable on ``rows`` already fetched."""
    compiler.execute_sql = lambda *args, **kwargs: [rows]
    queryset.query.get_compiler = lambda *args, **kwargs: compiler
    return list(queryset)
