"""The digest each assessment keeps of what the rating compares (level, hits, threshold
version, compliance checks): the nightly rating compares digests instead of decoding every
stored proposal, and must decide exactly as comparing the values did."""

import copy
import importlib
import json
from datetime import date

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.translation import gettext as _

from risklists import services
from risklists.models import Assessment, result_digest
from screening.models import FinancialSnapshot
from tests.factories import InstitutionFactory

from .factories import ThresholdVersionFactory, invest

pytestmark = pytest.mark.django_db

HITS = [
    {
        "code": "O4",
        "level": "orange",
        "clause": "收取大额预付费且资金使用不规范",
        "evidence": {"fund_use": "irregular", "large_prepayment_total": "80000.00"},
    }
]
COMPLIANCE = [
    {
        "code": "C5",
        "clause": "不得承诺还本付息",
        "passed": True,
        "figures": {"promised_returns": False},
    }
]


def digest(**changes):
    values = {"level": "orange", "hits": HITS, "version": None, "compliance": COMPLIANCE}
    values.update(changes)
    return result_digest(values["level"], values["hits"], values["version"], values["compliance"])


def test_the_digest_changes_with_each_compared_value():
    base = digest()
    other_hits = copy.deepcopy(HITS)
    other_hits[0]["evidence"]["large_prepayment_total"] = "80000.01"
    failed = copy.deepcopy(COMPLIANCE)
    failed[0]["passed"] = False
    variants = [
        digest(level="red"),
        digest(hits=other_hits),
        digest(hits=[]),
        digest(version=7),
        digest(compliance=failed),
        digest(compliance=[]),
    ]
    assert base not in variants
    assert len(set(variants)) == len(variants)


def test_the_digest_does_not_depend_on_key_order_or_a_trip_through_json():
    reordered = [dict(reversed(list(hit.items()))) for hit in HITS]
    assert digest(hits=reordered) == digest()
    read_back = {
        "hits": json.loads(json.dumps(HITS)),
        "compliance": json.loads(json.dumps(COMPLIANCE)),
    }
    assert digest(**read_back) == digest()


def test_a_stored_proposal_keeps_the_digest_of_its_values(orange):
    [proposal] = services.rate([orange]).created
    stored = Assessment.objects.get(pk=proposal.pk)  # the JSON as read back
    assert stored.digest == stored.result_digest() != ""
    assert stored.digest == services.compute([orange])[orange.pk].digest


def test_saving_changed_values_keeps_the_digest_up_to_date(proposal):
    before = proposal.digest
    proposal.hits = []
    proposal.save(update_fields=["hits"])
    stored = Assessment.objects.get(pk=proposal.pk)
    assert stored.digest == stored.result_digest() != before


def test_rating_twice_creates_nothing_and_reads_no_proposal_json(orange):
    services.rate([orange])
    history = Assessment.history.count()
    with CaptureQueriesContext(connection) as captured:
        result = services.rate([orange])
    assert result.created == [] and result.unchanged == 1
    assert Assessment.objects.count() == 1 and Assessment.history.count() == history
    assert not any('"hits"' in query["sql"] for query in captured.captured_queries)


def test_a_missing_digest_is_compared_by_value_and_brought_up_to_date(orange):
    [proposal] = services.rate([orange]).created
    Assessment.objects.filter(pk=proposal.pk).update(digest="")  # as a row written elsewhere
    history = Assessment.history.count()
    result = services.rate([orange])
    assert result.created == [] and result.unchanged == 1
    assert Assessment.objects.get(pk=proposal.pk).digest == proposal.digest
    assert Assessment.history.count() == history  # nothing a user sees changed


def test_stored_values_changed_by_a_save_are_rated_anew(orange):
    [proposal] = services.rate([orange]).created
    proposal.hits = []  # e.g. corrected in the admin: save() keeps the digest with the values
    proposal.save()
    [newer] = services.rate([orange]).created
    assert newer.codes == ["O4"]


def test_a_change_of_the_compliance_checks_alone_refreshes_the_proposal(orange):
    [proposal] = services.rate([orange]).created
    FinancialSnapshot.objects.create(
        institution=orange,
        as_of=date(2026, 6, 30),
        total_assets=9_000_000,
        total_liabilities=1,
        net_fixed_assets=5_000_000,
    )
    result = services.rate([orange])
    assert result.created == [] and result.unchanged == 1
    stored = Assessment.objects.get(pk=proposal.pk)
    [c4] = [check for check in stored.compliance if check["code"] == "C4"]
    assert c4["figures"]["net_fixed_assets"] == "5000000.00" and c4["passed"] is True
    assert stored.digest == stored.result_digest() != proposal.digest
    assert stored.history.first().history_change_reason == _("Compliance checks recomputed")
    assert services.rate([orange]).unchanged == 1  # and the refreshed digest now matches


def test_a_new_threshold_version_is_a_new_result(orange, county):
    services.rate([orange])
    ThresholdVersionFactory(unit=county, number=1)
    [newer] = services.rate([orange]).created
    assert newer.digest == newer.result_digest()


def test_the_migration_fills_the_digest_of_existing_rows(township):
    institutions = [InstitutionFactory(township=township) for _ in range(3)]
    invest(institutions[0])
    services.rate(institutions)
    Assessment.objects.update(digest="")
    migration = importlib.import_module("risklists.migrations.0003_assessment_digest")
    migration.fill_digests(apps, None)
    for assessment in Assessment.objects.all():
        assert assessment.digest == assessment.result_digest() != ""


def test_saving_a_row_loaded_without_its_values_keeps_its_digest(proposal):
    partial = Assessment.objects.only("pk", "state").get(pk=proposal.pk)
    partial.state = "submitted"
    partial.save()
    stored = Assessment.objects.get(pk=proposal.pk)
    assert stored.state == "submitted"
    assert stored.digest == stored.result_digest() == proposal.digest
