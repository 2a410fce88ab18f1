"""Content Security Policy: scripts only from our static files, no inline code anywhere."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

ROOT = Path(settings.BASE_DIR)
TEMPLATE_DIRS = [ROOT / "templates", *ROOT.glob("*/templates")]
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
INLINE_HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.IGNORECASE)
JAVASCRIPT_URL = re.compile(r"""(href|src|action)\s*=\s*["']?\s*javascript:""", re.IGNORECASE)


def templates():
    for folder in TEMPLATE_DIRS:
        if ".venv" not in folder.parts:
            yield from folder.rglob("*.html")


@pytest.mark.parametrize("pattern", [INLINE_SCRIPT, INLINE_HANDLER, JAVASCRIPT_URL])
def test_no_template_carries_inline_script(pattern):
    offenders = [
        f"{path.relative_to(ROOT)}: {match.group(0)}"
        for path in templates()
        for match in pattern.finditer(path.read_text(encoding="utf-8"))
        if "application/json" not in match.group(0)
    ]

    assert offenders == []


@pytest.mark.django_db
def test_pages_send_a_policy_without_unsafe_inline_scripts(client, township_user):
    client.force_login(township_user)

    response = client.get(reverse("home"))

    policy = dict(
        directive.strip().split(" ", 1)
        for directive in response["Content-Security-Policy"].split(";")
        if directive.strip()
    )
    assert policy["script-src"] == "'self'"
    assert policy["default-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'"
    assert "unsafe" not in policy["script-src"]


@pytest.mark.django_db
def test_login_page_sends_the_policy_too(client):
    response = client.get(reverse("login"))

    assert "script-src 'self'" in response["Content-Security-Policy"]
