"""The rule engine's edges that make mutation (scripts/mutation.py) found unguarded: what a
county's settings keep when they are stored, and what the engine refuses. Pure Python."""

import json
from decimal import Decimal

from risklists.engine import ORANGE, RED, Facts, Thresholds, evaluate, findings
from tests.risklists.test_engine import LARGE


def test_the_countys_level_for_a_failed_limit_of_operations_survives_being_stored():
    """A county that chose red for a failed 民发〔2024〕19号 limit of a prepayment used for
    daily operations still rates red once its settings were saved and read back."""
    thresholds = Thresholds(operations_check_level=RED, fund_use_unverified_level=ORANGE)
    stored = json.loads(json.dumps(thresholds.to_dict()))
    assert stored["operations_check_level"] == RED
    assert Thresholds.from_dict(stored) == thresholds
    facts = Facts(large_prepayment_total=LARGE, fund_use="operations", max_prepaid_months=13)
    assert evaluate(facts, Thresholds.from_dict(stored)).level == RED


def test_a_finding_no_record_established_names_none_though_others_have_theirs():
    """爆雷 found without a record behind it (the registry's flag) shows no empty "established
    by" list because the complaints that counted for O2 were named."""
    complaint = {"kind": "complaint", "id": 4, "date": "2026-02-01"}
    facts = Facts(collapsed=True, complaints=1, sources={"complaints": (complaint,)})
    [r4] = [h for h in evaluate(facts).hits if h.code == "R4"]
    assert r4.evidence == {"collapsed": True}


def stored(facts):
    """The hits of a rating as the assessment stores them."""
    return [hit.to_dict() for hit in evaluate(facts).hits]


def test_more_payers_than_beds_alone_is_a_large_prepayment_for_disposal():
    """O5's evidence counts the payers, not the amount: disposal (清零 责令退还资金) still
    reads a large prepayment from it."""
    hits = [h for h in stored(Facts(beds=10, large_prepayment_payers=12)) if h["code"] == "O5"]
    assert hits and "large_prepayment_total" not in hits[0]["evidence"]
    assert findings(hits).large_prepayment is True
    assert findings(stored(Facts(beds=10, large_prepayment_payers=10))).large_prepayment is False


def test_a_suspected_crime_without_promised_returns_is_transferred():
    """R2 on a suspected crime alone (no 承诺投资回报): 对涉嫌犯罪的，移送司法机关."""
    assert findings(stored(Facts(suspected_crime=True))).crime_suspected is True
    assert findings(stored(Facts(promised_returns=True))).crime_suspected is True
    assert findings(stored(Facts(large_prepayment_total=Decimal(1)))).crime_suspected is False
