"""The lean table template (core_tags.table_rows) renders the rows django-tables2's own
bootstrap5 template renders, cell for cell, so the registry pages could drop the per-cell
template loop (docs/performance.md, "load") without changing what a user sees."""

import re
from datetime import date
from decimal import Decimal

import django_tables2 as tables
import pytest
from django.test import RequestFactory
from django.utils import translation

from institutions.models import Institution
from institutions.tables import InstitutionTable
from tests.factories import InstitutionFactory

STOCK = "django_tables2/bootstrap5-responsive.html"
LEAN = "django_tables2/lean.html"


class SampleTable(tables.Table):
    name = tables.Column(attrs={"td": {"class": "fw-semibold"}})
    amount = tables.Column(localize=True)
    plain = tables.Column(localize=False, accessor="amount", verbose_name="plain")
    day = tables.Column()
    localized_day = tables.Column(localize=True, accessor="day")
    level = tables.Column(attrs={"td": {"class": lambda record: f"level-{record['level']}"}})
    note = tables.Column()

    def render_note(self, value):
        return f"{value}!"


ROWS = [
    {
        "name": "夕阳红<养老院>",
        "amount": Decimal("12345.5"),
        "day": date(2026, 11, 30),
        "level": "red",
        "note": "<script>alert(1)</script>",
    },
    {"name": "松鹤", "amount": 7, "day": None, "level": "green", "note": "=1+1"},
]


def tbody(table, request) -> str:
    tables.RequestConfig(request, paginate={"per_page": 10}).configure(table)
    html = table.as_html(request)
    body = re.search(r"<tbody.*?</tbody>", html, re.S).group(0)
    return re.sub(r">\s+<", "><", re.sub(r"\s+", " ", body))


@pytest.fixture
def request_():
    return RequestFactory().get("/")


def test_lean_rows_are_the_stock_rows_cell_for_cell(request_):
    with translation.override("zh-hans"):
        stock = tbody(SampleTable(ROWS, template_name=STOCK), request_)
        lean = tbody(SampleTable(ROWS, template_name=LEAN), request_)

    assert lean == stock
    assert "&lt;script&gt;" in lean and "<script>" not in lean  # typed text stays text
    assert 'class="level-red"' in lean and 'class="level-green"' in lean  # per record


def test_an_empty_table_says_so_in_both(request_):
    stock = tbody(SampleTable([], template_name=STOCK, empty_text="没有记录"), request_)
    lean = tbody(SampleTable([], template_name=LEAN, empty_text="没有记录"), request_)

    assert lean == stock
    assert "没有记录" in lean


@pytest.mark.django_db
def test_the_registry_table_renders_the_same_rows_with_links(request_, county_user):
    InstitutionFactory.create_batch(3)
    request_.user = county_user
    rows = Institution.objects.order_by("pk")

    stock = tbody(InstitutionTable(rows, template_name=STOCK), request_)
    lean = tbody(InstitutionTable(rows, template_name=LEAN), request_)

    assert lean == stock
    assert lean.count("<tr") == 3 and "href=" in lean


def test_the_project_renders_every_table_with_the_lean_template(settings):
    assert settings.DJANGO_TABLES2_TEMPLATE == LEAN
