"""schemathesis against the app in-process (WSGI), every operation of docs/openapi.yaml, with
a township key, a county key and a leader key: no 5xx, every response as the document says,
and no row outside the key's unit subtree (two counties, two townships each, seeded).

Marked ``postgres``: it runs in the PostgreSQL pass of .ci/run (and wherever DATABASE_URL
names PostgreSQL); ``SCHEMATHESIS_EXAMPLES`` sets the examples per operation (default 25).
"""

import os
from pathlib import Path

import pytest
import schemathesis
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, connection
from hypothesis import HealthCheck, given, settings

from accounts.models import OrgUnit, Role
from api.throttling import KeyRateThrottle
from disposal.models import DisposalAction
from institutions.models import Institution
from reporting.models import ReportRun, WeeklyReport
from risklists.models import Assessment
from screening.models import (
    Lead,
    PrepaymentRecord,
    PrepaymentRefund,
    ScreeningVisit,
    VisitAttachment,
)
from tests.factories import (
    CountyFactory,
    InstitutionFactory,
    TownshipFactory,
    UserFactory,
    VenueFactory,
)
from tests.images import PNG

from .conftest import issue, system_account

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

DOCUMENT = Path(__file__).resolve().parents[2] / "docs" / "openapi.yaml"
EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "25"))
# Each path's rows, so that a check can ask whether the caller may see them.
MODELS = {
    "/api/v1/visits/{id}/attachments/": VisitAttachment,
    "/api/v1/units/": OrgUnit,
    "/api/v1/institutions/": Institution,
    "/api/v1/visits/": ScreeningVisit,
    "/api/v1/ratings/": Assessment,
    "/api/v1/disposal-actions/": DisposalAction,
    "/api/v1/leads/": Lead,
    "/api/v1/prepayments/": PrepaymentRecord,
    "/api/v1/refunds/": PrepaymentRefund,
    "/api/v1/zeroing-ledger/": Institution,
    "/api/v1/weekly-reports/": WeeklyReport,
    "/api/v1/report-runs/": ReportRun,
}


def model_of(path: str):
    return next((model for prefix, model in MODELS.items() if path.startswith(prefix)), None)


@pytest.fixture
def in_process():
    """The WSGI app in the test's transaction: Django's test client does the same (the
    request signals would otherwise close the connection and lose the seeded rows)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    saved = KeyRateThrottle.THROTTLE_RATES
    KeyRateThrottle.THROTTLE_RATES = {"api_key": "100000/min"}
    cache.clear()
    yield WSGIHandler()
    KeyRateThrottle.THROTTLE_RATES = saved
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def province():
    """Two counties with two townships each, an institution and a visit in every township."""
    from tests.disposal.factories import PrepaymentFactory, RefundFactory
    from tests.screening.factories import ScreeningVisitFactory, make_id_number

    counties = [CountyFactory(name="衡山县"), CountyFactory(name="衡东县")]
    townships = [
        TownshipFactory(name=f"{county.name}{n}镇", parent=county)
        for county in counties
        for n in (1, 2)
    ]
    staff = {}
    for township in townships:
        staff[township] = UserFactory(username=f"staff-{township.pk}", unit=township)
        institution = InstitutionFactory(township=township, contact_phone="13812345678")
        visit = ScreeningVisitFactory(institution=institution, staff=staff[township])
        VisitAttachment.objects.create(visit=visit, file=SimpleUploadedFile("p.png", PNG))
        venue = VenueFactory(township=township)
        RefundFactory(
            prepayment=PrepaymentFactory(
                institution=venue, payer_id_number=make_id_number(township.pk)
            )
        )
    reviewer = UserFactory(username="reviewer", unit=counties[0], role=Role.COUNTY_REVIEWER)
    return {"counties": counties, "townships": townships, "reviewer": reviewer}


@pytest.fixture
def keyed(province):
    reviewer = province["reviewer"]
    accounts = {
        "township": system_account(province["townships"][0], Role.TOWNSHIP_STAFF),
        "county": system_account(province["counties"][0], Role.COUNTY_REVIEWER),
        "leader": system_account(province["counties"][0], Role.LEADER),
    }
    return {role: (account, issue(account, reviewer)[1]) for role, account in accounts.items()}


def rows_of(body):
    if isinstance(body, list):
        return [row for row in body if isinstance(row, dict)]
    if isinstance(body, dict) and isinstance(body.get("results"), list):
        return body["results"]
    if isinstance(body, dict) and "id" in body:
        return [body]
    return []


def outside_rows(account, path, response):
    """Ids the response carries that ``visible_to(account)`` would not give."""
    model = model_of(path)
    if model is None or response.status_code not in (200, 201):
        return []
    if "json" not in response.headers.get("Content-Type", [""])[0]:
        return []
    ids = {row["id"] for row in rows_of(response.json()) if "id" in row}
    if not ids:
        return []
    visible = set(model.objects.visible_to(account).filter(pk__in=ids).values_list("pk", flat=True))
    return sorted(ids - visible)


def exercise(operation, account, key):
    @given(case=operation.as_strategy())
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def run(case):
        response = case.call_and_validate(headers={"Authorization": f"Api-Key {key}"})
        leaked = outside_rows(account, operation.path, response)
        assert not leaked, f"{operation.label}: rows outside the key's unit: {leaked}"

    return run


@pytest.mark.parametrize("role", ["township", "county", "leader"])
def test_every_operation_holds_to_the_document_and_the_keys_subtree(role, keyed, in_process):
    if connection.vendor != "postgresql":
        pytest.skip("runs in the PostgreSQL pass of .ci/run (schemathesis against PostgreSQL)")
    account, key = keyed[role]
    config = schemathesis.Config.from_dict(
        {
            "generation": {
                "allow-x00": False,
                "max-examples": EXAMPLES,
                "with-security-parameters": False,
            },
            # A filter naming a township outside the key's unit is refused (400), as the
            # page's filter refuses it: valid by the document's types, not by the rules.
            "checks": {"positive_data_acceptance": {"enabled": False}},
        }
    )
    schema = schemathesis.openapi.from_path(DOCUMENT, config=config)
    schema.app = in_process
    failures = []

    for result in schema.get_all_operations():
        operation = result.ok()
        try:
            exercise(operation, account, key)()
        except Exception as exc:  # noqa: BLE001 - every operation is tried, all failures shown
            failures.append(f"{operation.label}: {exc}")

    assert failures == [], "\n\n".join(failures)


def test_the_subtree_check_finds_a_row_of_another_township(province):
    """The check above is not vacuous: another township's institution in an answer is found."""

    class Answer:
        status_code = 200
        headers = {"Content-Type": ["application/json"]}

        def __init__(self, rows):
            self.rows = rows

        def json(self):
            return {"results": self.rows}

    own, other = province["townships"][0], province["townships"][1]
    account = system_account(own, Role.TOWNSHIP_STAFF)
    theirs = Institution.objects.exclude(registration_status="unregistered").get(township=other)
    ours = Institution.objects.exclude(registration_status="unregistered").get(township=own)

    found = outside_rows(
        account, "/api/v1/institutions/", Answer([{"id": ours.pk}, {"id": theirs.pk}])
    )

    assert found == [theirs.pk]
