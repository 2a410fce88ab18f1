"""The committed OpenAPI document (docs/openapi.yaml) is the code's: a change to the API
that is not in the document fails here."""

from pathlib import Path

import pytest
import yaml
from django.core.management import call_command
from drf_spectacular.validation import validate_schema

COMMITTED = Path(__file__).resolve().parents[2] / "docs" / "openapi.yaml"
REGENERATE = ".venv/bin/python manage.py spectacular --file docs/openapi.yaml --validate"


def generated(tmp_path) -> str:
    target = tmp_path / "openapi.yaml"
    call_command("spectacular", "--file", str(target), "--validate", "--fail-on-warn")
    return target.read_text(encoding="utf-8")


def test_the_document_validates_as_openapi_3(tmp_path):
    validate_schema(yaml.safe_load(generated(tmp_path)))


def test_the_committed_document_is_the_codes(tmp_path):
    assert COMMITTED.read_text(encoding="utf-8") == generated(tmp_path), (
        f"docs/openapi.yaml differs from the API; regenerate it with: {REGENERATE}"
    )


@pytest.mark.django_db
def test_the_document_and_its_readers_are_served_without_login(client):
    from django.urls import reverse

    schema = client.get(reverse("api:schema"))
    docs = client.get(reverse("api:docs"))
    script = client.get(reverse("api:docs") + "?script=")
    redoc = client.get(reverse("api:redoc"))

    assert [r.status_code for r in (schema, docs, script, redoc)] == [200, 200, 200, 200]
    page = docs.content.decode()
    assert "swagger-ui-bundle" in page and "cdn" not in page.lower()
    assert "<script>" not in page  # the CSP allows no inline script
    assert "fonts.googleapis" not in redoc.content.decode()
    assert "blob:" in redoc["Content-Security-Policy"]
