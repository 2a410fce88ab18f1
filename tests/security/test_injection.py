"""Script injection: what people type is shown as text on every page and in every spreadsheet.

Every form page of the table (the pages that open for an editor of their own unit) is
filled with a script in each free-text field and saved; then every page an editor or a
reader can open is read back: the script must appear escaped, never as markup. The
spreadsheets are read back too: typed text is a text cell, never a formula.
"""

import io
import re
import zipfile

import pytest
from django import forms
from django.test import Client
from django.urls import reverse

from tests.formdata import formset_data, post_data

from .test_url_matrix import EXPECTED, PATTERNS
from .urls import url_for
from .world import World

pytestmark = pytest.mark.django_db

RAW = re.compile(r"<script>x\(")
ESCAPED = "&lt;script&gt;x("
FORMULAS = ["=1+1", "+CMD|' /C calc'!A0", "@SUM(A1)", "-2+3"]


def payload(name, field):
    return f'<script>x("{name}.{field}")</script>'


def free_text_fields(form):
    return [
        bound.html_name
        for bound in form
        if isinstance(bound.field, forms.CharField)
        and not isinstance(bound.field, forms.ChoiceField | forms.EmailField | forms.URLField)
        and isinstance(bound.field.widget, forms.TextInput | forms.Textarea)
        and not isinstance(bound.field.widget, forms.PasswordInput)
    ]


def form_pages():
    """The pages with a form an editor of their own unit opens (GET answers "ok")."""
    return [
        name
        for name in PATTERNS
        if name in EXPECTED
        and (name.endswith(("_create", "_update", "_edit", "_add")) or name.endswith(":create"))
        and "ok" in (EXPECTED[name][("county", "own")], EXPECTED[name][("township", "own")])
    ]


def submit_with_scripts(client, url, name):
    """Fill every free-text field with a script and save; fields the form refuses (a credit
    code, a phone number) get their original value back. Returns the typed payloads."""
    context = client.get(url).context
    form = context["form"]
    base = post_data(form, formset_data(context["formset"]) if "formset" in context else None)
    base.setdefault("action", "draft")
    fields = free_text_fields(form)
    typed = {field: payload(name, field) for field in fields}
    for _attempt in range(4):
        response = client.post(url, {**base, **typed})
        if response.status_code != 200 or "form" not in (response.context or {}):
            return typed, response
        refused = set(response.context["form"].errors) & set(typed)
        if not refused:
            return typed, response
        for field in refused:
            typed.pop(field)
    return typed, response


def readable_pages(world):
    for name in PATTERNS:
        expected = EXPECTED.get(name, {})
        for role in ("county", "township"):
            if expected.get((role, "own")) == "ok" and not name.endswith("_export"):
                yield role, name


@pytest.fixture
def world():
    return World()


def test_scripts_typed_in_every_form_are_escaped_on_every_page(world, media_root):
    clients = {}
    for role in ("county", "township"):
        clients[role] = Client()
        clients[role].force_login(world.users[role])
    typed_everywhere = {}
    for name in form_pages():
        role = "township" if name == "reporting:weekly_edit" else "county"
        typed, response = submit_with_scripts(clients[role], url_for(name, world, "A"), name)
        if response.status_code == 200:
            assert not RAW.search(response.content.decode()), name
        typed_everywhere.update(typed)
    assert len(typed_everywhere) >= 30

    shown = ""
    for role, name in readable_pages(world):
        response = clients[role].get(url_for(name, world, "A"))
        if response.get("Content-Type", "").startswith("text/html"):
            page = response.content.decode()
            assert not RAW.search(page), f"unescaped script on {name}"
            shown += page

    escaped = {
        field
        for field, text in typed_everywhere.items()
        if ESCAPED in shown
        and text.replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;") in shown
    }
    assert len(escaped) >= 10, "the typed scripts should be shown (escaped) somewhere"


def sheet_cells(content: bytes):
    """(formula elements, text of every cell) of every sheet of a workbook."""
    formulas, texts = [], []
    with zipfile.ZipFile(io.BytesIO(content)) as book:
        strings = (
            book.read("xl/sharedStrings.xml").decode()
            if "xl/sharedStrings.xml" in (book.namelist())
            else ""
        )
        for member in book.namelist():
            if member.startswith("xl/worksheets/") and member.endswith(".xml"):
                xml = book.read(member).decode()
                formulas += re.findall(r"<f[ >]", xml)
                texts.append(xml)
    return formulas, "".join(texts) + strings


def unescape_xml(text):
    return (
        text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
        .replace("&apos;", "'")
        .replace("&quot;", '"')
    )


def test_typed_formulas_and_scripts_are_text_in_the_spreadsheets(world, media_root):
    from core.xlsx import writer
    from tests.disposal.factories import PenaltyFactory
    from tests.reporting.factories import PublicityActivityFactory
    from tests.screening.factories import PrepaymentRecordFactory

    institution = world.institution("A")
    for text in [*FORMULAS, payload("xlsx", "payer")]:
        PrepaymentRecordFactory(institution=institution, payer_name=text, notes=text)
        PublicityActivityFactory(township=world.townships["A"], place_name=text)
        PenaltyFactory(institution=institution, person_name=text, summary=text, authority=text)
    client = Client()
    client.force_login(world.users["county"])

    books = {
        "prepayments": client.get(url_for("screening:prepayment_export", world, "A")),
        "penalties": client.get(reverse("disposal:penalty_export")),
        "publicity list": client.get(reverse("reporting:publicity_list_export")),
    }
    for number in range(1, 7):
        response = client.get(reverse("reporting:attachment", args=[number]))
        if response.status_code == 200:
            books[f"附件{number}"] = response
    assert len(books) >= 2

    found = set()
    for title, response in books.items():
        content = b"".join(response.streaming_content) if response.streaming else response.content
        formulas, cells = sheet_cells(content)
        assert formulas == [], f"{title} contains formulas"
        found |= {text for text in FORMULAS if text in unescape_xml(cells)}
    assert found == set(FORMULAS)
    assert writer.set_text  # the one writer every spreadsheet goes through
