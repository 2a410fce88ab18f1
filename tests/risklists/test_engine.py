"""The rule engine (区县方案 二(二)二 "四色"风险名单): every rule at and just below its
threshold, the evidence it keeps, the 民发〔2024〕19号 checks, the county's thresholds, and
properties that must hold for any facts. Pure Python: no database, no Django."""

import json
from dataclasses import FrozenInstanceError, replace
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from risklists.engine import (
    COMPLIANCE_CODES,
    GREEN,
    LEVEL_LABELS,
    LEVELS,
    ORANGE,
    RED,
    RULES,
    RULES_BY_CODE,
    YELLOW,
    Assessment,
    Facts,
    Hit,
    Thresholds,
    compliance_checks,
    evaluate,
    level_rank,
)

LARGE = Decimal(60000)


def codes(facts, thresholds=None):
    return set(evaluate(facts, thresholds or Thresholds()).codes)


def hit(facts, code, thresholds=None):
    [found] = [h for h in evaluate(facts, thresholds or Thresholds()).hits if h.code == code]
    return found


# --- levels ---------------------------------------------------------------------------------


def test_levels_are_ordered_from_green_to_red_with_chinese_labels():
    assert LEVELS == (GREEN, YELLOW, ORANGE, RED) == ("green", "yellow", "orange", "red")
    assert [level_rank(level) for level in LEVELS] == [0, 1, 2, 3]
    assert LEVEL_LABELS == {"red": "红色", "orange": "橙色", "yellow": "黄色", "green": "绿色"}


def test_unknown_level_has_no_rank():
    with pytest.raises(ValueError):
        level_rank("purple")


# --- defaults -------------------------------------------------------------------------------


def test_nothing_found_is_green():
    assessment = evaluate(Facts(), Thresholds())
    assert assessment.level == GREEN
    assert assessment.hits == [] and assessment.clauses == []


def test_default_facts_are_a_registered_institution():
    # Unregistered is itself a risk fact (O6), so the neutral default is registered.
    assert Facts().registered is True
    assert evaluate(Facts(registered=False)).level == ORANGE


def test_thresholds_default_to_the_spec():
    t = Thresholds()
    assert (t.fast_expansion_branches, t.frequent_changes, t.complaints) == (3, 2, 1)
    assert (t.prepaid_fee_months, t.deposit_months) == (6, 12)
    assert t.large_amount_fee_unknown == Decimal(50000)
    assert t.compliance_rules == ()
    assert evaluate(Facts(complaints=1)).level == evaluate(Facts(complaints=1), t).level


def test_facts_and_thresholds_are_frozen_and_thresholds_hashable():
    with pytest.raises(FrozenInstanceError):
        Facts().beds = 3
    with pytest.raises(FrozenInstanceError):
        Thresholds().complaints = 3
    assert hash(Thresholds(compliance_rules={"C2": ORANGE})) == hash(
        Thresholds(compliance_rules=(("C2", ORANGE),))
    )


def test_misspelt_fund_use_is_refused_rather_than_silently_ignored():
    with pytest.raises(ValueError):
        Facts(fund_use="irregualr")


# --- the rule table -------------------------------------------------------------------------

# The rule table as the plan words it: (code, level, plan clause).
SPEC_RULES = [
    ("Y1", YELLOW, "收取大额预付费但资金主要用于弥补设施建设资金不足"),
    # issue 14: a large prepayment whose use is not recorded is a question still open.
    ("V1", YELLOW, "待核实：预付费资金使用情况"),
    ("Y2", YELLOW, "近三年分支机构、服务网点扩张过快"),
    ("Y3", YELLOW, "频繁变更法定代表人、登记注册地"),
    ("Y4", YELLOW, "虚假或夸大宣传"),
    ("Y5", YELLOW, "有关联公司且存在关联交易"),
    ("O1", ORANGE, "投资人、法定代表人或主要负责人因经济犯罪被提起诉讼"),
    ("O2", ORANGE, "被投诉举报"),
    ("O3", ORANGE, "纳入相关黑名单"),
    ("O4", ORANGE, "收取大额预付费且资金使用不规范"),
    ("O5", ORANGE, "收取大额预付费的对象数量超过床位总数"),
    ("O6", ORANGE, "未经登记开展养老服务活动但没有收取大额预付费"),
    ("R1", RED, "未经登记开展养老服务活动且收取大额预付费"),
    ("R2", RED, "存在涉嫌非法集资、诈骗等犯罪行为（含承诺投资回报“炒床位”）"),
    ("R3", RED, "收取大额预付费且资不抵债"),
    ("R4", RED, "已经“爆雷”"),
    ("R5", RED, "引起不良影响或重大舆情"),
]


def test_rule_table_is_the_spec_table_with_the_plan_wording():
    assert [(rule.code, rule.level, rule.clause) for rule in RULES] == SPEC_RULES
    assert set(RULES_BY_CODE) == {code for code, _, _ in SPEC_RULES}


# (code, facts that make it fire, facts just below / beside the threshold)
CASES = [
    (
        "Y1",
        Facts(large_prepayment_total=LARGE, fund_use="facility_construction"),
        Facts(large_prepayment_total=Decimal(0), fund_use="facility_construction"),
    ),
    (
        "Y1",
        Facts(large_prepayment_total=Decimal("0.01"), fund_use="facility_construction"),
        Facts(large_prepayment_total=LARGE, fund_use="operations"),
    ),
    ("V1", Facts(large_prepayment_total=LARGE), Facts(large_prepayment_total=Decimal(0))),
    (
        "V1",
        Facts(large_prepayment_total=LARGE, fund_use="unknown"),
        Facts(large_prepayment_total=LARGE, fund_use="facility_construction"),
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
        Facts(large_prepayment_total=LARGE, fund_use="irregular"),
        Facts(large_prepayment_total=LARGE, fund_use="unknown"),
    ),
    ("O4", Facts(large_prepayment_total=LARGE, fund_use="irregular"), Facts(fund_use="irregular")),
    (
        "O5",
        Facts(beds=20, large_prepayment_total=LARGE, large_prepayment_payers=21),
        Facts(beds=20, large_prepayment_total=LARGE, large_prepayment_payers=20),
    ),
    # Beds unknown (0) is a gap in the record, not a finding.
    ("O5", Facts(beds=1, large_prepayment_payers=2), Facts(beds=0, large_prepayment_payers=2)),
    ("O6", Facts(registered=False), Facts(registered=False, large_prepayment_total=LARGE)),
    ("O6", Facts(registered=False), Facts(registered=True)),
    (
        "R1",
        Facts(registered=False, large_prepayment_total=Decimal("0.01")),
        Facts(registered=False),
    ),
    (
        "R1",
        Facts(registered=False, large_prepayment_total=LARGE),
        Facts(large_prepayment_total=LARGE),
    ),
    ("R2", Facts(suspected_crime=True), Facts()),
    ("R2", Facts(promised_returns=True), Facts()),
    # 衡山县 §二.二: the authority's determination is itself the finding (issue 20).
    ("R2", Facts(illegal_fundraising=True), Facts()),
    (
        "R3",
        Facts(large_prepayment_total=LARGE, assets=Decimal(100), liabilities=Decimal(101)),
        Facts(large_prepayment_total=LARGE, assets=Decimal(100), liabilities=Decimal(100)),
    ),
    (
        "R3",
        Facts(large_prepayment_total=LARGE, assets=Decimal(1), liabilities=Decimal(2)),
        Facts(large_prepayment_total=LARGE, assets=None, liabilities=Decimal(2)),
    ),
    (
        "R3",
        Facts(large_prepayment_total=LARGE, assets=Decimal(1), liabilities=Decimal(2)),
        Facts(assets=Decimal(1), liabilities=Decimal(2)),
    ),
    ("R4", Facts(collapsed=True), Facts()),
    ("R5", Facts(public_opinion=True), Facts()),
]


@pytest.mark.parametrize(("code", "fires", "below"), CASES)
def test_rule_fires_at_its_threshold_and_not_below(code, fires, below):
    assert code in codes(fires)
    assert code not in codes(below)


@pytest.mark.parametrize(("code", "fires", "below"), CASES)
def test_a_rule_alone_gives_its_own_level(code, fires, below):
    # Each firing case holds nothing else, so it rates at exactly its rule's level.
    assert evaluate(fires).level == RULES_BY_CODE[code].level


def test_every_rule_has_a_case():
    assert {rule.code for rule in RULES} == {code for code, _, _ in CASES}


# --- evidence -------------------------------------------------------------------------------


def test_evidence_gives_the_values_that_made_a_rule_fire():
    facts = Facts(
        registered=False,
        large_prepayment_total=Decimal("120000.00"),
        large_prepayment_payers=9,
        fund_use="irregular",
        branches_opened_3y=4,
    )
    hits = {h.code: h for h in evaluate(facts, Thresholds()).hits}
    assert set(hits) == {"R1", "O4", "Y2"}
    assert hits["R1"].evidence == {
        "registered": False,
        "large_prepayment_total": "120000.00",
        "large_prepayment_payers": 9,
    }
    assert hits["O4"].evidence == {
        "large_prepayment_total": "120000.00",
        "large_prepayment_payers": 9,
        "fund_use": "irregular",
    }
    assert hits["Y2"].evidence == {"branches_opened_3y": 4, "threshold": 3}
    assert hits["R1"].clause == "未经登记开展养老服务活动且收取大额预付费"
    assert hits["R1"].level == RED


def test_evidence_includes_the_threshold_used():
    county = Thresholds(frequent_changes=3, complaints=2)
    assert hit(Facts(legal_rep_changes_2y=3), "Y3", county).evidence == {
        "legal_rep_changes_2y": 3,
        "address_changes_2y": 0,
        "threshold": 3,
    }
    assert hit(Facts(complaints=5), "O2", county).evidence == {"complaints": 5, "threshold": 2}


def test_evidence_of_insolvency_and_of_too_many_payers():
    facts = Facts(
        beds=10,
        large_prepayment_total=Decimal(300000),
        large_prepayment_payers=12,
        assets=Decimal("1000000.50"),
        liabilities=Decimal(1200000),
    )
    assert hit(facts, "R3").evidence == {
        "large_prepayment_total": "300000",
        "large_prepayment_payers": 12,
        "assets": "1000000.50",
        "liabilities": "1200000",
    }
    assert hit(facts, "O5").evidence == {"large_prepayment_payers": 12, "beds": 10}


def test_evidence_of_flags_names_the_fact_found():
    assert hit(Facts(collapsed=True), "R4").evidence == {"collapsed": True}
    assert hit(Facts(promised_returns=True), "R2").evidence == {
        "suspected_crime": False,
        "promised_returns": True,
    }
    assert hit(Facts(person_blacklisted=True), "O3").evidence == {"person_blacklisted": True}


def test_assessment_serialises_to_json_and_lists_its_clauses():
    facts = Facts(
        registered=False, large_prepayment_total=LARGE, collapsed=True, fund_use="operations"
    )
    assessment = evaluate(facts)
    assert assessment.codes == ["R1", "R4"]
    assert assessment.clauses == [RULES_BY_CODE["R1"].clause, RULES_BY_CODE["R4"].clause]
    stored = json.loads(json.dumps(assessment.to_dict()))
    assert stored["level"] == RED
    assert stored["hits"][0] == {
        "code": "R1",
        "level": RED,
        "clause": "未经登记开展养老服务活动且收取大额预付费",
        "evidence": {
            "registered": False,
            "large_prepayment_total": "60000",
            "large_prepayment_payers": 0,
        },
    }


# --- level ----------------------------------------------------------------------------------


def test_level_is_the_highest_hit_and_every_hit_is_kept():
    assert evaluate(Facts(false_advertising=True)).level == YELLOW
    assessment = evaluate(Facts(false_advertising=True, complaints=3))
    assert assessment.level == ORANGE and assessment.codes == ["Y4", "O2"]
    assessment = evaluate(Facts(false_advertising=True, complaints=3, collapsed=True))
    assert assessment.level == RED and assessment.codes == ["Y4", "O2", "R4"]


def test_assessment_can_be_built_by_hand():
    assessment = Assessment(level=ORANGE, hits=[Hit("O2", ORANGE, "被投诉举报", {"complaints": 1})])
    assert assessment.clauses == ["被投诉举报"]


# --- county thresholds ----------------------------------------------------------------------


def test_county_thresholds_change_the_result():
    facts = Facts(branches_opened_3y=3, complaints=1, address_changes_2y=2)
    strict = Thresholds(fast_expansion_branches=4, complaints=2, frequent_changes=3)
    assert codes(facts) == {"Y2", "Y3", "O2"}
    assert codes(facts, strict) == set()
    assert codes(
        replace(facts, branches_opened_3y=4, complaints=2, address_changes_2y=3), strict
    ) == {
        "Y2",
        "Y3",
        "O2",
    }


def test_large_prepayment_definition_does_not_change_the_rules():
    # What counts as large is the facts builder's business; the rules see only the total.
    facts = Facts(registered=False, large_prepayment_total=LARGE, fund_use="irregular")
    lenient = Thresholds(prepaid_fee_months=12, large_amount_fee_unknown=Decimal(1000000))
    assert codes(facts, lenient) == codes(facts) == {"R1", "O4"}


def test_thresholds_round_trip_through_json():
    thresholds = Thresholds(
        fast_expansion_branches=5,
        frequent_changes=4,
        complaints=3,
        prepaid_fee_months=8,
        large_amount_fee_unknown=Decimal("30000.50"),
        deposit_months=10,
        compliance_rules=(("C4", RED), ("C2", ORANGE)),
    )
    stored = json.loads(json.dumps(thresholds.to_dict()))
    assert stored["large_amount_fee_unknown"] == "30000.50"
    assert stored["compliance_rules"] == {"C2": ORANGE, "C4": RED}
    assert Thresholds.from_dict(stored) == thresholds
    assert Thresholds.from_dict(Thresholds().to_dict()) == Thresholds()


def test_thresholds_from_partial_or_empty_dict_take_the_defaults():
    assert Thresholds.from_dict({}) == Thresholds()
    assert Thresholds.from_dict(None) == Thresholds()
    assert Thresholds.from_dict({"complaints": "2", "obsolete": 1}) == Thresholds(complaints=2)
    assert Thresholds.from_dict({"large_amount_fee_unknown": 40000}).large_amount_fee_unknown == (
        Decimal(40000)
    )


def test_compliance_rules_accept_pairs_or_a_mapping_and_skip_empty_levels():
    from_pairs = Thresholds.from_dict({"compliance_rules": [["C3", "red"], ["C1", ""]]})
    from_mapping = Thresholds.from_dict({"compliance_rules": {"C3": "red", "C1": ""}})
    assert from_pairs == from_mapping == Thresholds(compliance_rules=(("C3", RED),))
    assert from_pairs.compliance_levels == {"C3": RED}


@pytest.mark.parametrize(
    "values",
    [
        {"complaints": 0},
        {"fast_expansion_branches": -1},
        {"frequent_changes": 0},
        {"prepaid_fee_months": 0},
        {"deposit_months": 0},
        {"large_amount_fee_unknown": "-1"},
        {"compliance_rules": {"C9": "red"}},
        {"compliance_rules": {"C1": "purple"}},
        {"compliance_rules": {"C1": "green"}},
    ],
)
def test_thresholds_refuse_settings_that_would_rate_nonsense(values):
    with pytest.raises(ValueError):
        Thresholds.from_dict(values)


# --- 民发〔2024〕19号 compliance checks -------------------------------------------------------


def checks_of(facts):
    return {c.code: c for c in compliance_checks(facts)}


def test_compliance_checks_are_the_five_national_limits_in_order():
    checks = compliance_checks(Facts())
    assert [c.code for c in checks] == list(COMPLIANCE_CODES) == ["C1", "C2", "C3", "C4", "C5"]
    assert [c.clause for c in checks] == [
        "预收服务费用的周期不得超过12个月",
        "押金不得超过月床位费的12倍",
        "收取预付费的老年人数量不得超过备案床位数",
        "预收费用总额不得超过净固定资产",
        "不得承诺还本付息",
    ]


def test_compliance_checks_are_unknown_without_their_facts():
    checks = checks_of(Facts())
    assert [checks[code].passed for code in COMPLIANCE_CODES] == [None, None, None, None, True]


COMPLIANCE_CASES = [
    ("C1", Facts(max_prepaid_months=12), Facts(max_prepaid_months=13)),
    ("C2", Facts(max_deposit_ratio=Decimal(12)), Facts(max_deposit_ratio=Decimal("12.01"))),
    ("C3", Facts(beds=10, prepayment_payers=10), Facts(beds=10, prepayment_payers=11)),
    (
        "C4",
        Facts(prepayment_total=Decimal(800), net_fixed_assets=Decimal(800)),
        Facts(prepayment_total=Decimal("800.01"), net_fixed_assets=Decimal(800)),
    ),
    ("C5", Facts(promised_returns=False), Facts(promised_returns=True)),
]


@pytest.mark.parametrize(("code", "at_limit", "above"), COMPLIANCE_CASES)
def test_compliance_check_passes_at_its_limit_and_fails_above(code, at_limit, above):
    assert checks_of(at_limit)[code].passed is True
    assert checks_of(above)[code].passed is False


def test_compliance_checks_give_their_figures():
    facts = Facts(
        beds=10,
        max_prepaid_months=13,
        max_deposit_ratio=Decimal("12.50"),
        prepayment_payers=11,
        prepayment_total=Decimal(900),
        net_fixed_assets=Decimal(800),
        promised_returns=True,
    )
    checks = checks_of(facts)
    assert all(c.passed is False for c in checks.values())
    assert checks["C1"].figures == {"max_prepaid_months": 13, "limit": 12}
    assert checks["C2"].figures == {"max_deposit_ratio": "12.50", "limit": 12}
    assert checks["C3"].figures == {"prepayment_payers": 11, "beds": 10}
    assert checks["C4"].figures == {"prepayment_total": "900", "net_fixed_assets": "800"}
    assert checks["C5"].figures == {"promised_returns": True}
    assert json.loads(json.dumps([c.to_dict() for c in checks.values()]))[1]["passed"] is False


def test_a_failed_check_is_not_a_rule_unless_the_county_says_so():
    facts = Facts(max_deposit_ratio=Decimal(15))
    assert evaluate(facts).level == GREEN
    promoted = evaluate(facts, Thresholds(compliance_rules=(("C2", ORANGE),)))
    assert promoted.level == ORANGE
    # The hit's clause cites the regulation it rests on (not the plans' wording).
    assert promoted.hits == [
        Hit(
            "C2",
            ORANGE,
            "押金不得超过月床位费的12倍（民发〔2024〕19号）",
            {"max_deposit_ratio": "15", "limit": 12},
        )
    ]


def test_a_passed_or_unknown_check_never_becomes_a_hit():
    every_check_red = Thresholds(compliance_rules=dict.fromkeys(COMPLIANCE_CODES, RED))
    assert evaluate(Facts(max_deposit_ratio=Decimal(3)), every_check_red).level == GREEN
    assert evaluate(Facts(), every_check_red).hits == []


def test_compliance_hits_follow_the_colour_rules():
    facts = Facts(promised_returns=True, beds=2, prepayment_payers=3, false_advertising=True)
    thresholds = Thresholds(compliance_rules={"C5": YELLOW, "C3": RED})
    assessment = evaluate(facts, thresholds)
    assert assessment.codes == ["Y4", "R2", "C3", "C5"]
    assert assessment.level == RED


# --- properties -----------------------------------------------------------------------------

money = st.decimals(min_value=0, max_value=10**7, places=2, allow_nan=False, allow_infinity=False)
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
    max_prepaid_months=st.none() | st.integers(0, 36),
    max_deposit_ratio=st.none() | st.decimals(0, 30, places=2),
    prepayment_payers=st.integers(0, 600),
    prepayment_total=money,
    net_fixed_assets=optional_money,
)
thresholds_strategy = st.builds(
    Thresholds,
    fast_expansion_branches=st.integers(1, 6),
    frequent_changes=st.integers(1, 4),
    complaints=st.integers(1, 4),
    compliance_rules=st.dictionaries(
        st.sampled_from(COMPLIANCE_CODES), st.sampled_from([YELLOW, ORANGE, RED])
    ),
)

# Adding one risk fact, everything else unchanged. Becoming unregistered moves a venue to
# O6 or R1; a first large prepayment moves an unregistered venue from O6 to R1; a fund use
# that turns irregular trades Y1 for O4: never down.
ADD_RISK = {
    "false_advertising": lambda f: replace(f, false_advertising=True),
    "related_party_transactions": lambda f: replace(f, related_party_transactions=True),
    "person_economic_crime_suit": lambda f: replace(f, person_economic_crime_suit=True),
    "person_blacklisted": lambda f: replace(f, person_blacklisted=True),
    "promised_returns": lambda f: replace(f, promised_returns=True),
    "suspected_crime": lambda f: replace(f, suspected_crime=True),
    "illegal_fundraising": lambda f: replace(f, illegal_fundraising=True),
    "collapsed": lambda f: replace(f, collapsed=True),
    "public_opinion": lambda f: replace(f, public_opinion=True),
    "unregistered": lambda f: replace(f, registered=False),
    "fund_use_irregular": lambda f: replace(f, fund_use="irregular"),
    "more_complaints": lambda f: replace(f, complaints=f.complaints + 1),
    "more_branches": lambda f: replace(f, branches_opened_3y=f.branches_opened_3y + 1),
    "more_rep_changes": lambda f: replace(f, legal_rep_changes_2y=f.legal_rep_changes_2y + 1),
    "more_address_changes": lambda f: replace(f, address_changes_2y=f.address_changes_2y + 1),
    "more_large_payers": lambda f: replace(
        f, large_prepayment_payers=f.large_prepayment_payers + 1
    ),
    "larger_prepayment": lambda f: replace(
        f, large_prepayment_total=f.large_prepayment_total + Decimal(1000)
    ),
    "insolvent": lambda f: replace(
        f, assets=f.assets or Decimal(0), liabilities=(f.assets or Decimal(0)) + 1
    ),
    "longer_prepaid_period": lambda f: replace(
        f, max_prepaid_months=(f.max_prepaid_months or 0) + 1
    ),
    "larger_deposit": lambda f: replace(f, max_deposit_ratio=(f.max_deposit_ratio or 0) + 1),
    "more_payers": lambda f: replace(f, prepayment_payers=f.prepayment_payers + 1),
    "more_prepayments": lambda f: replace(f, prepayment_total=f.prepayment_total + 100),
}


@given(facts_strategy, thresholds_strategy, st.sampled_from(sorted(ADD_RISK)))
def test_adding_a_risk_fact_never_lowers_the_level(facts, thresholds, risk):
    before = evaluate(facts, thresholds).level
    after = evaluate(ADD_RISK[risk](facts), thresholds).level
    assert level_rank(after) >= level_rank(before)


@given(facts_strategy, thresholds_strategy)
def test_level_is_the_maximum_of_the_hits(facts, thresholds):
    assessment = evaluate(facts, thresholds)
    expected = max((level_rank(h.level) for h in assessment.hits), default=0)
    assert level_rank(assessment.level) == expected
    assert (assessment.level == GREEN) == (assessment.hits == [])


@given(facts_strategy, thresholds_strategy)
def test_hits_come_in_table_order_and_serialise_to_json(facts, thresholds):
    assessment = evaluate(facts, thresholds)
    order = [rule.code for rule in RULES] + list(COMPLIANCE_CODES)
    assert assessment.codes == sorted(assessment.codes, key=order.index)
    assert json.loads(json.dumps(assessment.to_dict()))["level"] == assessment.level


@given(facts_strategy, st.sampled_from([YELLOW, ORANGE, RED]))
def test_compliance_rules_add_hits_only_for_failed_checks(facts, level):
    thresholds = Thresholds(compliance_rules=dict.fromkeys(COMPLIANCE_CODES, level))
    failed = {c.code for c in compliance_checks(facts) if c.passed is False}
    hits = [h for h in evaluate(facts, thresholds).hits if h.code in COMPLIANCE_CODES]
    assert {h.code for h in hits} == failed
    assert all(h.level == level for h in hits)
    # and the colour rules are the same as without them
    colour = [h for h in evaluate(facts, thresholds).hits if h.code not in COMPLIANCE_CODES]
    assert colour == [h for h in evaluate(facts).hits if h.code not in COMPLIANCE_CODES]


@given(thresholds_strategy)
def test_any_thresholds_round_trip_through_json(thresholds):
    assert Thresholds.from_dict(json.loads(json.dumps(thresholds.to_dict()))) == thresholds


def test_irregular_use_is_orange_while_assets_cover_debts_and_red_once_insolvent():
    """衡山县方案 §一.三: 资金使用不规范，但资可抵债运营比较平稳的，纳入橙色名单;
    资不抵债 makes it red (R3)."""
    irregular = Facts(large_prepayment_total=LARGE, fund_use="irregular")
    solvent = replace(irregular, assets=Decimal(500000), liabilities=Decimal(500000))
    insolvent = replace(irregular, assets=Decimal(500000), liabilities=Decimal("500000.01"))
    assert (evaluate(solvent).level, evaluate(solvent).codes) == (ORANGE, ["O4"])
    assert evaluate(insolvent).level == RED
    assert evaluate(insolvent).codes == ["O4", "R3"]


# --- issue 14: missing is not green ------------------------------------------------------------


def test_a_large_prepayment_without_a_recorded_use_is_to_verify_not_green():
    """待核实: 资金用途未核实 — yellow by default, whether the use was left blank or
    recorded as 不明; recording 设施建设 gives Y1 instead."""
    for fund_use in ("", "unknown"):
        assessment = evaluate(Facts(large_prepayment_total=LARGE, fund_use=fund_use))
        assert (assessment.level, assessment.codes) == (YELLOW, ["V1"])
        assert assessment.hits[0].clause == "待核实：预付费资金使用情况"
        assert assessment.hits[0].evidence == {
            "large_prepayment_total": "60000",
            "large_prepayment_payers": 0,
            "fund_use": fund_use,
        }
    recorded = evaluate(Facts(large_prepayment_total=LARGE, fund_use="facility_construction"))
    assert (recorded.level, recorded.codes) == (YELLOW, ["Y1"])
    assert evaluate(Facts(fund_use="")).level == GREEN  # no large prepayment: nothing to verify


def test_the_county_sets_the_level_of_an_unverified_fund_use():
    thresholds = Thresholds(fund_use_unverified_level=ORANGE)
    assert hit(Facts(large_prepayment_total=LARGE), "V1", thresholds).level == ORANGE
    assert evaluate(Facts(large_prepayment_total=LARGE), thresholds).level == ORANGE
    stored = json.loads(json.dumps(thresholds.to_dict()))
    assert stored["fund_use_unverified_level"] == ORANGE
    assert Thresholds.from_dict(stored) == thresholds
    # A version saved before the setting existed keeps the default.
    assert Thresholds.from_dict({"complaints": 1}).fund_use_unverified_level == YELLOW


@pytest.mark.parametrize("name", ["fund_use_unverified_level", "operations_check_level"])
@pytest.mark.parametrize("level", [GREEN, "purple"])
def test_a_level_setting_must_be_a_list_level(name, level):
    with pytest.raises(ValueError, match=name):
        Thresholds(**{name: level})


OPERATIONS = Facts(
    large_prepayment_total=LARGE,
    large_prepayment_payers=3,
    fund_use="operations",
    beds=10,
    prepayment_payers=3,
    max_prepaid_months=12,
    max_deposit_ratio=Decimal(12),
    prepayment_total=LARGE,
    net_fixed_assets=LARGE,
)


def test_daily_operations_are_green_while_every_national_limit_holds():
    assert all(check.passed for check in compliance_checks(OPERATIONS))
    assert evaluate(OPERATIONS).level == GREEN


def test_a_failed_limit_of_a_prepayment_used_for_operations_is_a_yellow_hit_with_its_figures():
    facts = replace(OPERATIONS, max_deposit_ratio=Decimal("12.50"))
    assessment = evaluate(facts)
    assert (assessment.level, assessment.codes) == (YELLOW, ["C2"])
    [found] = assessment.hits
    assert found.clause == "押金不得超过月床位费的12倍（民发〔2024〕19号）"
    assert found.evidence == {
        "max_deposit_ratio": "12.50",
        "limit": 12,
        "large_prepayment_total": "60000",
        "large_prepayment_payers": 3,
        "fund_use": "operations",
    }
    # The same failed limit without a large prepayment used for operations: not a hit.
    assert evaluate(replace(facts, fund_use="facility_construction")).codes == ["Y1"]
    assert evaluate(replace(facts, large_prepayment_total=Decimal(0))).level == GREEN


def test_the_county_sets_the_level_of_a_failed_limit_of_operations_and_the_higher_wins():
    facts = replace(OPERATIONS, max_prepaid_months=13, prepayment_total=LARGE + 1)
    assert evaluate(facts, Thresholds(operations_check_level=ORANGE)).codes == ["C1", "C4"]
    assert evaluate(facts, Thresholds(operations_check_level=ORANGE)).level == ORANGE
    # A check the county also made a rule is one hit, at the higher of the two levels.
    both = Thresholds(compliance_rules={"C1": RED, "C4": YELLOW}, operations_check_level=ORANGE)
    hits = {h.code: h.level for h in evaluate(facts, both).hits}
    assert hits == {"C1": RED, "C4": ORANGE}


# --- issue 14: what established a finding, which complaints counted -----------------------------


def test_the_evidence_names_the_record_that_established_a_standing_finding():
    visit = {"kind": "visit", "id": 7, "date": "2026-03-02"}
    record = {"kind": "prepayment", "id": 3, "date": "2026-01-05"}
    facts = Facts(
        collapsed=True,
        promised_returns=True,
        sources={"collapsed": (visit,), "promised_returns": (record,)},
    )
    assert hit(facts, "R4").evidence == {
        "collapsed": True,
        "established_by": [{"fact": "collapsed", **visit}],
    }
    assert hit(facts, "R2").evidence == {
        "suspected_crime": False,
        "promised_returns": True,
        "established_by": [{"fact": "promised_returns", **record}],
    }


def test_the_evidence_of_o2_lists_the_complaints_that_counted():
    counted = (
        {"kind": "complaint", "id": 4, "date": "2026-02-01"},
        {"kind": "lead", "id": 9, "date": "2026-02-03"},
    )
    facts = Facts(complaints=2, sources={"complaints": counted})
    assert hit(facts, "O2").evidence == {
        "complaints": 2,
        "threshold": 1,
        "counted": [dict(source) for source in counted],
    }
    # The sources only name records: they never make a rule fire.
    assert evaluate(Facts(sources={"complaints": counted, "collapsed": counted})).level == GREEN
