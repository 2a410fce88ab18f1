import ast
import gettext
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

PO = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def po_entries():
    """(msgid, msgstr) of single-line entries of the committed catalogue."""
    text = PO.read_text(encoding="utf-8")
    pattern = r'\nmsgid "(.+)"\n(?:msgid_plural ".*"\n)?msgstr(?:\[0\])? "(.*)"'
    return [
        (ast.literal_eval(f'"{msgid}"'), ast.literal_eval(f'"{msgstr}"'))
        for msgid, msgstr in re.findall(pattern, text)
    ]


def test_every_message_has_a_chinese_translation():
    entries = po_entries()
    assert len(entries) > 100
    assert [msgid for msgid, msgstr in entries if not msgstr] == []
    header, _, body = PO.read_text(encoding="utf-8").partition("\n\n")
    assert "#, fuzzy" not in body, "a guessed (fuzzy) translation would be shipped"


def test_compiled_catalogue_matches_the_po_file():
    with PO.with_suffix(".mo").open("rb") as mo:
        catalogue = gettext.GNUTranslations(mo)
    stale = [msgid for msgid, msgstr in po_entries() if catalogue.gettext(msgid) != msgstr]
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
