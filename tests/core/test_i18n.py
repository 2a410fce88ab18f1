import ast
import gettext
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

PO = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def po_entries(with_context=False):
    """(msgid, msgstr) of single-line entries of the committed catalogue; with
    ``with_context``, (context, msgid, msgstr), the context "" when the entry has none."""
    text = PO.read_text(encoding="utf-8")
    pattern = (
        r'\n(?:msgctxt "(.*)"\n)?msgid "(.+)"\n(?:msgid_plural ".*"\n)?msgstr(?:\[0\])? "(.*)"'
    )
    entries = [
        (context, ast.literal_eval(f'"{msgid}"'), ast.literal_eval(f'"{msgstr}"'))
        for context, msgid, msgstr in re.findall(pattern, text)
    ]
    if with_context:
        return entries
    return [(msgid, msgstr) for _context, msgid, msgstr in entries]


def test_every_message_has_a_chinese_translation():
    entries = po_entries()
    assert len(entries) > 100
    assert [msgid for msgid, msgstr in entries if not msgstr] == []
    header, _, body = PO.read_text(encoding="utf-8").partition("\n\n")
    assert "#, fuzzy" not in body, "a guessed (fuzzy) translation would be shipped"


def test_compiled_catalogue_matches_the_po_file():
    with PO.with_suffix(".mo").open("rb") as mo:
        catalogue = gettext.GNUTranslations(mo)
    stale = [
        msgid
        for context, msgid, msgstr in po_entries(with_context=True)
        if (catalogue.pgettext(context, msgid) if context else catalogue.gettext(msgid)) != msgstr
    ]
    assert stale == [], "run `make messages` to compile the catalogue"


@pytest.mark.django_db
def test_login_page_is_chinese_by_default(client):
    content = client.get(reverse("login")).content.decode()
    assert "养老服务诈骗风险排查整治系统" in content
    assert 'lang="zh-hans"' in content


def test_settings_are_chinese_first():
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert settings.TIME_ZONE == "Asia/Shanghai"
    assert settings.USE_TZ
