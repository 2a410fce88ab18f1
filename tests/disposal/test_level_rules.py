"""四级分类处置 as data (disposal/levels.py): the measures each level requires, the conditions
(属于非法集资的, 对涉嫌犯罪的, 衡山县's every orange into the mechanism) and when a level is
below an open measure. Written for make mutation (scripts/mutation.py): each assertion is a
measure a county would see appear or go missing on a case. Pure Python, no database."""

import pytest

from disposal.levels import ActionType, is_below, required_action_types
from risklists.levels import Level

ORANGE_MEASURES = [
    ActionType.LEAD_NOTIFICATION,
    ActionType.WARNING_TALK,
    ActionType.RECTIFICATION_ORDER,
    ActionType.URGE_REFUND,
]


def test_each_level_requires_the_plans_measures_in_the_plans_order():
    assert required_action_types(Level.GREEN) == [ActionType.ROUTINE_SUPERVISION]
    assert required_action_types(Level.YELLOW) == [
        ActionType.RISK_WARNING,
        ActionType.MORE_SPOT_CHECKS,
        ActionType.REMIND_LAWFUL,
    ]
    assert required_action_types(Level.ORANGE) == ORANGE_MEASURES
    assert required_action_types(Level.RED) == [
        *ORANGE_MEASURES,
        ActionType.STOP_OPERATIONS,
        ActionType.COMPREHENSIVE_MEASURES,
    ]


def test_the_mechanism_only_for_illegal_fundraising_unless_the_county_enters_every_orange():
    """区县方案: 属于非法集资的 enters the mechanism; 衡山县: every orange institution does."""
    mechanism = ActionType.FUNDRAISING_MECHANISM
    assert mechanism not in required_action_types(Level.ORANGE, crime_suspected=True)
    assert required_action_types(Level.ORANGE, illegal_fundraising=True) == [
        ActionType.LEAD_NOTIFICATION,
        mechanism,
        *ORANGE_MEASURES[1:],
    ]
    assert mechanism in required_action_types(Level.ORANGE, mechanism_for_every_orange=True)
    assert mechanism in required_action_types(Level.RED, mechanism_for_every_orange=True)
    # Yellow has no mechanism whatever the setting.
    assert mechanism not in required_action_types(
        Level.YELLOW, illegal_fundraising=True, mechanism_for_every_orange=True
    )


def test_judicial_transfer_only_for_a_red_institution_suspected_of_a_crime():
    transfer = ActionType.JUDICIAL_TRANSFER
    assert required_action_types(Level.RED, crime_suspected=True)[-1] == transfer
    assert transfer not in required_action_types(Level.RED, illegal_fundraising=True)
    assert transfer not in required_action_types(Level.ORANGE, crime_suspected=True)


def test_an_unknown_level_is_refused_by_name():
    with pytest.raises(ValueError, match="^Unknown level 'purple'$"):
        required_action_types("purple")


@pytest.mark.parametrize(
    ("level", "action_type", "below"),
    [
        # A yellow measure is set aside only when the level falls to green.
        (Level.GREEN, ActionType.RISK_WARNING, True),
        (Level.YELLOW, ActionType.RISK_WARNING, False),
        (Level.ORANGE, ActionType.RISK_WARNING, False),
        # An orange measure (red requires it too) when the level falls below orange.
        (Level.YELLOW, ActionType.WARNING_TALK, True),
        (Level.ORANGE, ActionType.WARNING_TALK, False),
        (Level.RED, ActionType.WARNING_TALK, False),
        # A red measure as soon as the level is below red.
        (Level.ORANGE, ActionType.STOP_OPERATIONS, True),
        (Level.RED, ActionType.STOP_OPERATIONS, False),
        # Routine supervision is required by green, nothing is below it.
        (Level.GREEN, ActionType.ROUTINE_SUPERVISION, False),
        # The follow-up after registration no level requires: never "lowered".
        (Level.GREEN, ActionType.FOLLOW_UP_CHECK, False),
    ],
)
def test_a_measure_is_below_the_level_only_once_no_level_at_or_under_it_requires_it(
    level, action_type, below
):
    assert is_below(level, action_type) is below
