"""The rule engine of SPEC §3: every rule at and just below its threshold, and properties."""

from dataclasses import replace
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from risklists.engine import (
    GREEN,
    LEVELS,
    ORANGE,
    RED,
    RULES,
    YELLOW,
    Facts,
    Thresholds,
    compliance_checks,
    evaluate,
    level_rank,
)

LARGE = Decimal("60000")


def codes(facts, thresholds=None):
    return set(evaluate(facts, thresholds or Thresholds()).codes)


def test_nothing_found_is_green():
    assessment = evaluate(Facts(), Thresholds())
    assert assessment.level == GREEN
    assert assessment.hits == []


# (code, facts that make it fire, facts just below / beside the threshold)
CASES = [
    (
        "Y1",
        Facts(large_prepayment_total=LARGE, fund_use="facility_construction"),
        Facts(large_prepayment_total=Decimal("0"), fund_use="facility_construction"),
    ),
    ("Y2", Facts(branches_opened_3y=3), Facts(branches_opened_3y=2)),
    ("Y3", Facts(legal_rep_changes_2y=2), Facts(legal_rep_changes_2y=1, address_changes_2y=1)),
    ("Y3", Facts(address_changes_2y=2), Facts(address_changes_2y=1)),
    ("Y4", Facts(false_advertising=True), Facts(false_advertising=False)),
    ("Y5", Facts(related_party_transactions=True), Facts()),
    ("O1", Facts(person_economic_crime_suit=True), Facts()),
    ("O2", Facts(complaints=1), Facts(complaints=0)),
    ("O3", Facts(person_blacklisted=True), Facts()),
    (
        "O4",
        Facts(large_prepayment_total=LARGE, fund_use="irregular"),
        Facts(large_prepayment_total=LARGE, fund_use="operations"),
    ),
    (
        "O4",
        Facts(large_prepayment_total=LARGE, fund_use="unknown"),
        Facts(large_prepayment_total=Decimal("0"), fund_use="unknown"),
    ),
    (
        "O5",
        Facts(beds=20, large_prepayment_total=LARGE, large_prepayment_payers=21),
        Facts(beds=20, large_prepayment_total=LARGE, large_prepayment_payers=20),
    ),
    ("O5", Facts(beds=1, large_prepayment_payers=2), Facts(beds=0, large_prepayment_payers=2)),
    ("O6", Facts(registered=False), Facts(registered=False, large_prepayment_total=LARGE)),
    (
        "R1",
        Facts(registered=False, large_prepayment_total=Decimal("0.01")),
        Facts(registered=False),
    ),
    ("R2", Facts(suspected_crime=True), Facts()),
    ("R2", Facts(promised_returns=True), Facts()),
    (
        "R3",
        Facts(large_prepayment_total=LARGE, assets=Decimal("100"), liabilities=Decimal("101")),
        Facts(large_prepayment_total=LARGE, assets=Decimal("100"), liabilities=Decimal("100")),
    ),
    (
        "R3",
        Facts(large_prepayment_total=LARGE, assets=Decimal("1"), liabilities=Decimal("2")),
        Facts(large_prepayment_total=LARGE, assets=None, liabilities=Decimal("2")),
    ),
    ("R4", Facts(collapsed=True), Facts()),
    ("R5", Facts(public_opinion=True), Facts()),
]


@pytest.mark.parametrize(("code", "fires", "below"), CASES)
def test_rule_fires_at_its_threshold_and_not_below(code, fires, below):
    assert code in codes(fires)
    assert code not in codes(below)


def test_every_rule_has_a_case_and_a_plan_clause():
    assert {rule.code for rule in RULES} == {code for code, _, _ in CASES}
    assert len(RULES) == 16
    for rule in RULES:
        assert rule.level in LEVELS and rule.level != GREEN
        assert rule.clause and not rule.clause.isascii()


def test_evidence_gives_the_values_that_made_a_rule_fire():
    facts = Facts(
        registered=False,
        large_prepayment_total=Decimal("120000.00"),
        large_prepayment_payers=9,
        fund_use="irregular",
        branches_opened_3y=4,
    )
    hits = {hit.code: hit for hit in evaluate(facts, Thresholds()).hits}
    assert hits["R1"].evidence == {
        "registered": False,
        "large_prepayment_total": "120000.00",
        "large_prepayment_payers": 9,
    }
    assert hits["O4"].evidence["fund_use"] == "irregular"
    assert hits["Y2"].evidence == {"branches_opened_3y": 4, "threshold": 3}
    assert hits["R1"].clause == "未经登记开展养老服务活动且收取大额预付费"
    assert evaluate(facts).level == RED


def test_level_is_the_highest_hit():
    assert evaluate(Facts(false_advertising=True)).level == YELLOW
    assert evaluate(Facts(false_advertising=True, complaints=3)).level == ORANGE
    assert evaluate(Facts(false_advertising=True, complaints=3, collapsed=True)).level == RED


def test_county_thresholds_change_the_result():
    facts = Facts(branches_opened_3y=3, complaints=1)
    strict = Thresholds(fast_expansion_branches=4, complaints=2)
    assert codes(facts) == {"Y2", "O2"}
    assert codes(facts, strict) == set()


def test_thresholds_round_trip_through_json():
    thresholds = Thresholds(
        fast_expansion_branches=5,
        large_amount_fee_unknown=Decimal("30000"),
        compliance_rules=(("C2", ORANGE),),
    )
    assert Thresholds.from_dict(thresholds.to_dict()) == thresholds
    assert Thresholds.from_dict({}) == Thresholds()
    assert Thresholds.from_dict(None) == Thresholds()


def test_compliance_checks_pass_fail_or_unknown_with_figures():
    checks = {c.code: c for c in compliance_checks(Facts())}
    assert checks["C1"].passed is None and checks["C4"].passed is None
    assert checks["C5"].passed is True
    facts = Facts(
        beds=10,
        max_prepaid_months=13,
        max_deposit_ratio=Decimal("12.5"),
        prepayment_payers=11,
        prepayment_total=Decimal("900"),
        net_fixed_assets=Decimal("800"),
        promised_returns=True,
    )
    checks = {c.code: c for c in compliance_checks(facts)}
    assert all(c.passed is False for c in checks.values())
    assert checks["C3"].figures == {"prepayment_payers": 11, "beds": 10}
    ok = replace(
        facts,
        max_prepaid_months=12,
        max_deposit_ratio=Decimal("12"),
        prepayment_payers=10,
        prepayment_total=Decimal("800"),
        promised_returns=False,
    )
    assert all(c.passed for c in compliance_checks(ok))


def test_failed_compliance_check_becomes_a_rule_only_when_the_county_says_so():
    facts = Facts(max_deposit_ratio=Decimal("15"))
    assert evaluate(facts).level == GREEN
    promoted = evaluate(facts, Thresholds(compliance_rules=(("C2", ORANGE),)))
    assert promoted.level == ORANGE
    assert promoted.hits[0].code == "C2"
    assert promoted.hits[0].clause == "押金不得超过月床位费的12倍"
    passing = evaluate(
        Facts(max_deposit_ratio=Decimal("3")), Thresholds(compliance_rules=(("C2", RED),))
    )
    assert passing.level == GREEN


money = st.decimals(min_value=0, max_value=10**7, places=2, allow_nan=False)
optional_money = st.none() | money
facts_strategy = st.builds(
    Facts,
    registered=st.booleans(),
    beds=st.integers(0, 500),
    large_prepayment_total=money,
    large_prepayment_payers=st.integers(0, 600),
    fund_use=st.sampled_from(["", "facility_construction", "operations", "irregular", "unknown"]),
    assets=optional_money,
    liabilities=optional_money,
    branches_opened_3y=st.integers(0, 10),
    legal_rep_changes_2y=st.integers(0, 5),
    address_changes_2y=st.integers(0, 5),
    false_advertising=st.booleans(),
    related_party_transactions=st.booleans(),
    person_economic_crime_suit=st.booleans(),
    complaints=st.integers(0, 5),
    person_blacklisted=st.booleans(),
    promised_returns=st.booleans(),
    suspected_crime=st.booleans(),
    collapsed=st.booleans(),
    public_opinion=st.booleans(),
)

# Risk facts that can be added without changing anything else's meaning. (Unregistration
# and large prepayments move a venue from O6 to R1, never down.)
ADD_RISK = [
    lambda f: replace(f, false_advertising=True),
    lambda f: replace(f, related_party_transactions=True),
    lambda f: replace(f, person_economic_crime_suit=True),
    lambda f: replace(f, person_blacklisted=True),
    lambda f: replace(f, promised_returns=True),
    lambda f: replace(f, suspected_crime=True),
    lambda f: replace(f, collapsed=True),
    lambda f: replace(f, public_opinion=True),
    lambda f: replace(f, complaints=f.complaints + 1),
    lambda f: replace(f, branches_opened_3y=f.branches_opened_3y + 1),
    lambda f: replace(f, legal_rep_changes_2y=f.legal_rep_changes_2y + 1),
    lambda f: replace(f, address_changes_2y=f.address_changes_2y + 1),
    lambda f: replace(f, large_prepayment_payers=f.large_prepayment_payers + 1),
    lambda f: replace(f, large_prepayment_total=f.large_prepayment_total + Decimal("1000")),
    lambda f: replace(f, registered=False),
    lambda f: replace(
        f, liabilities=(f.assets or Decimal("0")) + Decimal("1"), assets=f.assets or Decimal("0")
    ),
]


@given(facts_strategy, st.sampled_from(ADD_RISK))
def test_adding_a_risk_fact_never_lowers_the_level(facts, add_risk):
    before = evaluate(facts).level
    after = evaluate(add_risk(facts)).level
    assert level_rank(after) >= level_rank(before)


@given(facts_strategy)
def test_level_is_the_maximum_of_the_hits(facts):
    assessment = evaluate(facts)
    expected = max((level_rank(h.level) for h in assessment.hits), default=0)
    assert level_rank(assessment.level) == expected
    assert (assessment.level == GREEN) == (assessment.hits == [])


@given(facts_strategy, st.sampled_from(LEVELS[1:]))
def test_compliance_rules_add_hits_only_for_failed_checks(facts, level):
    thresholds = Thresholds(compliance_rules=tuple((f"C{i}", level) for i in range(1, 6)))
    failed = {c.code for c in compliance_checks(facts) if c.passed is False}
    compliance_hits = {h.code for h in evaluate(facts, thresholds).hits if h.code.startswith("C")}
    assert compliance_hits == failed
