"""The rule engine's edges that make mutation (scripts/mutation.py) found unguarded: what a
county's settings keep when they are stored, and what the engine refuses. Pure Python."""

import json

from risklists.engine import ORANGE, RED, Facts, Thresholds, evaluate
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
