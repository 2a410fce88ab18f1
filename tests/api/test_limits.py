"""Limits: a budget of requests per key (429 with Retry-After), a body size limit, and
every refusal as an RFC 9457 problem details body."""

import pytest
from django.core.cache import cache
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_budget():
    cache.clear()
    yield
    cache.clear()


def test_a_key_over_its_budget_gets_429_with_retry_after(api_for, settings, monkeypatch):
    from api.throttling import KeyRateThrottle

    monkeypatch.setattr(KeyRateThrottle, "THROTTLE_RATES", {"api_key": "3/min"})
    client = api_for("township")

    answers = [client.get(reverse("api:unit-list")) for _ in range(4)]

    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    refused = answers[-1]
    assert int(refused["Retry-After"]) > 0
    assert refused.json()["status"] == 429
    # Another key keeps its own budget.
    assert api_for("county").get(reverse("api:unit-list")).status_code == 200


def test_a_body_over_the_limit_is_refused_with_413(api_for, settings):
    settings.API_MAX_BODY_BYTES = 1024

    response = api_for("township").post(
        reverse("api:lead-list"), {"content": "x" * 2000}, content_type="application/json"
    )

    assert response.status_code == 413
    assert response.json()["status"] == 413


def test_problem_details_have_the_rfc_9457_members_and_chinese_field_messages(api_for):
    response = api_for("township").post(
        reverse("api:lead-list"), {"channel": "12337"}, content_type="application/json"
    )

    body = response.json()
    assert response["Content-Type"] == "application/problem+json"
    assert {"type", "title", "status", "detail", "errors"} <= body.keys()
    assert body["status"] == 400
    subject = next(e for e in body["errors"] if e["field"] == "subject")
    assert subject["detail"] == "该字段是必填项。"
    assert body["title"] == "请求无效。"


def test_malformed_json_is_a_problem_not_a_crash(api_for):
    response = api_for("township").post(
        reverse("api:lead-list"), "{not json", content_type="application/json"
    )

    assert response.status_code == 400
    assert response.json()["type"] == "about:blank"
