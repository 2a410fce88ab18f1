"""Every list page of the demo county draws the same table rows with the project's lean
template (core_tags.table_rows, which reads plain cells without django-tables2's get_cell)
as with django-tables2's own bootstrap5 template: choice labels, empty cells, related
records, links and badges, for the county section and a township."""

import re

import django_tables2 as tables
import pytest

from accounts.models import User

from .list_pages import list_urls

pytestmark = pytest.mark.django_db

STOCK = "django_tables2/bootstrap5-responsive.html"
LISTS = list_urls()


def tbody(html: str) -> str:
    body = re.search(r"<tbody.*?</tbody>", html, re.S)
    return re.sub(r">\s+<", "><", re.sub(r"\s+", " ", body.group(0))) if body else ""


@pytest.mark.parametrize("username", ["county", "kaiyun"])
def test_every_list_draws_the_stock_rows(demo_once, client, username, monkeypatch):
    client.force_login(User.objects.get(username=username))
    compared = 0
    for name, path, _table in LISTS:
        lean = client.get(path)
        if lean.status_code == 403:
            continue
        assert lean.status_code == 200, name
        with monkeypatch.context() as patch:  # the template is read when a table class is made
            patch.setattr(
                tables.Table, "template_name", property(lambda t: STOCK, lambda t, value: None)
            )
            stock = client.get(path)
        assert b"table-responsive" in stock.content, name  # the stock template did draw it
        rows = tbody(lean.content.decode())
        assert rows == tbody(stock.content.decode()), name
        compared += rows.count("<tr")
    assert compared > 50  # the demo's rows, not empty tables
