"""Database helpers for set-based reads over many rows (the nightly rating, the packs)."""

import json

from django.db import connection, connections
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
