"""``evaluate_plain`` (what the nightly rating stores) says what the rule table says, rule by
rule, and ``Facts.from_fields`` builds the same facts as the constructor."""

import itertools
from decimal import Decimal

import pytest

from risklists.engine import (
    COMPLIANCE_LIMITS,
    FUND_USES,
    RULES,
    Facts,
    Hit,
    Thresholds,
    check_hit_clause,
    compliance_checks,
    evaluate,
    evaluate_plain,
    highest,
)

FLAGS = (
    "registered",
    "false_advertising",
    "related_party_transactions",
    "person_economic_crime_suit",
    "person_blacklisted",
    "promised_returns",
    "suspected_crime",
    "illegal_fundraising",
    "collapsed",
    "public_opinion",
)


def reference(facts, thresholds):
    """The rule table applied row by row (Rule.apply, ComplianceLimit.check); a failed check
    is a hit when the county made it a rule, or when the large prepayment is used for daily
    operations (the higher level, the fund use added to its figures)."""
    hits = [hit for rule in RULES if (hit := rule.apply(facts, thresholds)) is not None]
    checks = [limit.check(facts) for limit in COMPLIANCE_LIMITS]
    promoted = thresholds.compliance_levels
    operations = facts.large_prepayment and facts.fund_use == "operations"
    for check in checks:
        if check.passed is not False:
            continue
        levels = [promoted[check.code]] if check.code in promoted else []
        evidence = dict(check.figures)
        if operations:
            levels.append(thresholds.operations_check_level)
            evidence.update(
                large_prepayment_total=str(facts.large_prepayment_total),
                large_prepayment_payers=facts.large_prepayment_payers,
                fund_use="operations",
            )
        if levels:
            hits.append(Hit(check.code, highest(levels), check_hit_clause(check.clause), evidence))
    level = highest(hit.level for hit in hits)
    return level, [hit.to_dict() for hit in hits], [check.to_dict() for check in checks]


def some_facts():
    yield Facts()
    for flag in FLAGS:
        yield Facts(**{flag: not getattr(Facts(), flag)})
    for fund_use, large, beds, assets in itertools.product(
        FUND_USES, (Decimal(0), Decimal("80000.00")), (0, 1, 50), (None, Decimal(1), Decimal(9))
    ):
        yield Facts(
            fund_use=fund_use,
            large_prepayment_total=large,
            large_prepayment_payers=2 if large else 0,
            beds=beds,
            assets=assets,
            liabilities=Decimal(5) if assets is not None else None,
            registered=beds != 1,
            branches_opened_3y=beds % 4,
            legal_rep_changes_2y=beds % 3,
            address_changes_2y=2 if assets == 9 else 0,
            complaints=beds % 2,
            max_prepaid_months=None if assets is None else 13,
            max_deposit_ratio=None if assets is None else Decimal("12.01"),
            prepayment_payers=beds + (1 if large else 0),
            prepayment_total=large,
            net_fixed_assets=assets,
            sources={"collapsed": ({"kind": "visit", "id": beds, "date": "2026-06-01"},)},
        )


THRESHOLDS = [
    Thresholds(),
    Thresholds(fast_expansion_branches=1, frequent_changes=1, complaints=2),
    Thresholds(compliance_rules={"C1": "yellow", "C2": "orange", "C3": "red", "C4": "red"}),
    Thresholds(
        compliance_rules={"C1": "red", "C2": "yellow"},
        fund_use_unverified_level="red",
        operations_check_level="orange",
    ),
]


@pytest.mark.parametrize("thresholds", THRESHOLDS)
def test_evaluate_plain_says_what_the_rule_table_says(thresholds):
    for facts in some_facts():
        assert evaluate_plain(facts, thresholds) == reference(facts, thresholds), facts


@pytest.mark.parametrize("thresholds", THRESHOLDS)
def test_evaluate_and_the_checks_agree_with_evaluate_plain(thresholds):
    for facts in some_facts():
        level, hits, checks = evaluate_plain(facts, thresholds)
        assessment = evaluate(facts, thresholds)
        assert assessment.level == level
        assert [hit.to_dict() for hit in assessment.hits] == hits
        assert [check.to_dict() for check in compliance_checks(facts)] == checks


def test_a_promoted_check_does_not_share_its_figures_with_the_hit():
    facts = Facts(max_prepaid_months=13)
    _level, hits, checks = evaluate_plain(facts, Thresholds(compliance_rules={"C1": "red"}))
    assert hits[-1]["evidence"] == checks[0]["figures"]
    assert hits[-1]["evidence"] is not checks[0]["figures"]


def test_facts_from_fields_are_the_facts_of_the_constructor():
    values = {name: getattr(Facts(), name) for name in Facts.field_names()}
    values.update(complaints=3, fund_use="irregular", assets=Decimal(2), registered=False)
    built = Facts.from_fields(dict(values))
    assert built == Facts(**values) and hash(built) == hash(Facts(**values))
    assert evaluate_plain(built, Thresholds()) == evaluate_plain(Facts(**values), Thresholds())
    with pytest.raises(ValueError, match="fund_use"):
        Facts.from_fields({**values, "fund_use": "misspelt"})
    with pytest.raises(TypeError):
        Facts.from_fields({**values, "unknown": 1})
    partial = {"complaints": 2}
    assert Facts.from_fields(partial) == Facts(complaints=2)
