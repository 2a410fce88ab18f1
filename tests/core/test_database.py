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
