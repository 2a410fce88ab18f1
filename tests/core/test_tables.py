"""django-tables2's per-cell signature look-up is computed once per function (core/tables.py)."""

from django_tables2 import utils

from core import tables


class Table:
    def render_name(self, value, record):
        return value

    def render_all(self, **kwargs):
        return kwargs


def test_the_library_uses_the_cached_signature():
    assert utils.signature is tables.signature


def test_cached_signatures_equal_the_library_s_own():
    table = Table()
    for fn in (table.render_name, Table.render_name, table.render_all, lambda value: value):
        assert tables.signature(fn) == tables._uncached(fn)
        assert tables.signature(fn) == tables._uncached(fn)  # from the cache


def test_calls_pass_only_the_arguments_a_function_takes():
    table = Table()

    assert utils.call_with_appropriate(table.render_name, {"value": 1, "record": 2, "x": 3}) == 1
    assert utils.call_with_appropriate(table.render_all, {"value": 1}) == {"value": 1}
