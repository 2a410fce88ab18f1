"""The visit form's fields are drawn once per everything they show (``crispy_field``: the
language, the value, the errors, the choices) and reused: a phone on one bar of signal gets
the form faster. Each person still sees their own values and their own errors, never those
of the form drawn before."""

import re

import pytest

from tests.factories import InstitutionFactory

from .test_visits import create_url, visit_data

pytestmark = pytest.mark.django_db


def field_html(html: str, name: str) -> str:
    """The input named ``name`` and what crispy draws after it (its error, if any)."""
    start = html.index(f'name="{name}"')
    return html[start : start + 600]


def value_of(html: str, name: str) -> str | None:
    tag = re.search(rf'<input[^>]*name="{name}"[^>]*>', html).group(0)
    found = re.search(r'value="([^"]*)"', tag)
    return found.group(1) if found else None


def test_each_visit_form_shows_its_own_values_and_errors(client_for, township_user, township):
    client = client_for(township_user)
    institution = InstitutionFactory(township=township, residents=30)
    url = create_url(institution)

    def refused(notices):
        data = visit_data(
            township_user,
            action="submit",
            residents_housed="20",
            notices_handed_out=str(notices),
        )
        response = client.post(url, data)
        assert response.status_code == 200
        return response.content.decode()

    first = refused(21)
    assert value_of(first, "notices_handed_out") == "21"
    assert "is-invalid" in field_html(first, "notices_handed_out")

    second = refused(25)
    assert value_of(second, "notices_handed_out") == "25"

    fresh = client.get(url).content.decode()
    assert value_of(fresh, "notices_handed_out") in (None, "")
    assert "is-invalid" not in field_html(fresh, "notices_handed_out")
    with_english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert value_of(with_english, "notices_handed_out") in (None, "")
