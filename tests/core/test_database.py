"""How the product talks to its database."""

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


def test_postgresql_connections_do_not_jit_compile_queries():
    """Province-size counts are priced above the JIT thresholds and compile for longer than
    they run (docs/performance.md, weekly_pack); the product's connections turn JIT off."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only (the second pass of .ci/run)")
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"


def test_postgresql_keeps_a_fine_histogram_of_the_scope_path():
    """Every page filters by ``scope_path LIKE '<unit>%'``: with the default histogram
    PostgreSQL guessed a township's 24 institutions at ~480 rows and read the province's
    org units to fill a registry page (100 ms at 50,000 institutions; docs/performance.md,
    "load"). The migration gives the column 2,000 buckets."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only (the second pass of .ci/run)")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attstattarget FROM pg_attribute "
            "WHERE attrelid = 'institutions_institution'::regclass AND attname = 'scope_path'"
        )
        assert cursor.fetchone()[0] == 2000
