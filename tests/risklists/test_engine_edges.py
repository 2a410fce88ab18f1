"""The rule engine's edges that make mutation (scripts/mutation.py) found unguarded: what a
county's settings keep when they are stored, and what the engine refuses. Pure Python."""

import json
from decimal import Decimal

import pytest

from risklists.engine import (
    ORANGE,
    RED,
    Facts,
    Thresholds,
    compliance_checks,
    evaluate,
    findings,
    level_rank,
)
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


def test_an_unknown_check_or_level_is_refused_saying_what_is_expected():
    """Settings that would rate nonsense are refused with a message naming what was wrong
    and what is expected."""
    with pytest.raises(ValueError, match=r"^unknown compliance check 'C9'; expected \('C1'"):
        Thresholds(compliance_rules={"C9": RED})
    with pytest.raises(ValueError, match=r"^a compliance rule's level must be one of \("):
        Thresholds(compliance_rules={"C1": "green"})
    with pytest.raises(ValueError, match=r"^unknown level 'purple'; expected one of \('green'"):
        level_rank("purple")


def test_a_check_left_empty_does_not_drop_the_checks_after_it():
    """An empty level means "not a rule" for that check only, wherever it comes."""
    thresholds = Thresholds.from_dict({"compliance_rules": [["C1", ""], ["C3", "red"]]})
    assert thresholds.compliance_rules == (("C3", RED),)


def test_figures_not_known_stay_empty_not_the_word_none():
    """C2 and C4 without a deposit ratio or net fixed assets show an empty figure."""
    checks = {check.code: check for check in compliance_checks(Facts())}
    assert checks["C2"].figures == {"max_deposit_ratio": None, "limit": 12}
    assert checks["C4"].figures == {"prepayment_total": "0", "net_fixed_assets": None}


def test_a_count_threshold_below_one_is_refused_by_name():
    with pytest.raises(ValueError, match="^complaints must be at least 1$"):
        Thresholds(complaints=0)


def test_any_amount_from_zero_up_may_be_the_large_amount_when_the_fee_is_unknown():
    """A county may count every prepaid fee of unknown monthly fee as large (0), or set an
    amount under one yuan; only a negative amount is refused."""
    assert Thresholds(large_amount_fee_unknown=0).large_amount_fee_unknown == Decimal(0)
    assert Thresholds(large_amount_fee_unknown="0.50").large_amount_fee_unknown == Decimal("0.5")
    with pytest.raises(ValueError, match="^large_amount_fee_unknown must not be negative$"):
        Thresholds(large_amount_fee_unknown=-1)


def test_r2_names_the_records_behind_each_crime_fact_and_every_determination():
    """R2 (涉嫌犯罪 / 承诺投资回报 / 属于非法集资) shows the records that established each of its
    facts, by fact, and the authority's determinations as the facts builder gave them, so a
    reviewer sees which visit or lead and which 认定 the red rests on."""
    visit = {"kind": "visit", "id": 7, "date": "2026-03-02"}
    lead = {"kind": "lead", "id": 9, "date": "2026-03-05"}
    ruling = {"kind": "determination", "id": 3, "date": "2026-04-01"}
    determination = {"authority": "县公安局", "result": "illegal_fundraising", "id": 3}
    facts = Facts(
        suspected_crime=True,
        promised_returns=True,
        illegal_fundraising=True,
        sources={
            "suspected_crime": (visit,),
            "promised_returns": (lead,),
            "illegal_fundraising": (ruling,),
            "determinations": (determination,),
        },
    )
    [r2] = [h for h in evaluate(facts).hits if h.code == "R2"]
    assert r2.evidence == {
        "suspected_crime": True,
        "promised_returns": True,
        "illegal_fundraising": True,
        "established_by": [
            {"fact": "suspected_crime", **visit},
            {"fact": "promised_returns", **lead},
            {"fact": "illegal_fundraising", **ruling},
        ],
        "determinations": [determination],
    }


def test_r2_without_records_behind_it_shows_only_the_facts():
    """A suspicion typed on the registry (no record named) shows the facts alone: no empty
    "established by" and no determinations."""
    [r2] = [h for h in evaluate(Facts(suspected_crime=True)).hits if h.code == "R2"]
    assert r2.evidence == {"suspected_crime": True, "promised_returns": False}
