import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db(transaction=True)


def test_health_answers_without_login_and_without_data(client):
    response = client.get(reverse("health"))

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) >= {"database", "cache", "disk", "migrations"}
    assert set(body["checks"].values()) == {"ok"}


def test_health_reports_a_failing_check_as_503_without_its_message(client, monkeypatch):
    from core import health

    def broken(self):
        raise RuntimeError("secret host db.internal:5432")

    monkeypatch.setattr(health.MigrationsApplied, "run", broken)

    response = client.get(reverse("health"))

    assert response.status_code == 503
    assert response.json()["checks"]["migrations"] == "error"
    assert b"db.internal" not in response.content
