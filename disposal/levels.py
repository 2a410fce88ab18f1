"""四级分类处置: which actions each level of the risk list requires, declared as data.

区县方案·三是实行"四级"分类处置: 纳入绿色名单的，正常开展日常监管。纳入黄色名单的，要做好风险提示，
增加抽查检查频次，加大监管力度，提醒规范运营。纳入橙色名单的，要及时向属地人民政府和政法部门进行线索
通报，属于非法集资的同步纳入属地防范和处置非法集资工作机制，警示约谈其主要负责人、责令整改、督促清退
资金。纳入红色名单的，…停止经营活动…综合运用行政、经济、民事等手段抓好整改；对涉嫌犯罪的，移送司法
机关依法处理。

Adding an action to a level is a one-line change to ``REQUIREMENTS``.
"""

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

from risklists.levels import Level


class ActionType(models.TextChoices):
    ROUTINE_SUPERVISION = "routine_supervision", _("Routine supervision")
    RISK_WARNING = "risk_warning", _("Risk warning")
    MORE_SPOT_CHECKS = "more_spot_checks", _("More frequent spot checks")
    REMIND_LAWFUL = "remind_lawful", _("Reminder to operate lawfully")
    LEAD_NOTIFICATION = (
        "lead_notification",
        _("Lead reported to the township government and political-legal department"),
    )
    FUNDRAISING_MECHANISM = (
        "fundraising_mechanism",
        _("Entered into the illegal-fundraising prevention and handling mechanism"),
    )
    WARNING_TALK = "warning_talk", _("Warning talk with the principal")
    RECTIFICATION_ORDER = "rectification_order", _("Order to rectify")
    URGE_REFUND = "urge_refund", _("Urge refund of funds")
    STOP_OPERATIONS = "stop_operations", _("Stop operations")
    COMPREHENSIVE_MEASURES = (
        "comprehensive_measures",
        _("Administrative, economic and civil measures"),
    )
    JUDICIAL_TRANSFER = "judicial_transfer", _("Transfer to the judicial authorities")
    # Not required by a level: scheduled when a venue is crossed off the 清零 ledger as
    # registered (衡山县 §一.三 督促其尽快依法办理登记，并加强后续跟踪检查).
    FOLLOW_UP_CHECK = "follow_up_check", _("Follow-up check after registration")


# Conditions some actions depend on (属于非法集资的 / 对涉嫌犯罪的).
ALWAYS = ""
ILLEGAL_FUNDRAISING = "illegal_fundraising"
CRIME_SUSPECTED = "crime_suspected"


@dataclass(frozen=True)
class Requirement:
    action_type: str
    condition: str = ALWAYS


_ORANGE = (
    Requirement(ActionType.LEAD_NOTIFICATION),
    Requirement(ActionType.FUNDRAISING_MECHANISM, ILLEGAL_FUNDRAISING),
    Requirement(ActionType.WARNING_TALK),
    Requirement(ActionType.RECTIFICATION_ORDER),
    Requirement(ActionType.URGE_REFUND),
)

REQUIREMENTS: dict[str, tuple[Requirement, ...]] = {
    Level.GREEN: (Requirement(ActionType.ROUTINE_SUPERVISION),),
    Level.YELLOW: (
        Requirement(ActionType.RISK_WARNING),
        Requirement(ActionType.MORE_SPOT_CHECKS),
        Requirement(ActionType.REMIND_LAWFUL),
    ),
    Level.ORANGE: _ORANGE,
    Level.RED: _ORANGE
    + (
        Requirement(ActionType.STOP_OPERATIONS),
        Requirement(ActionType.COMPREHENSIVE_MEASURES),
        Requirement(ActionType.JUDICIAL_TRANSFER, CRIME_SUSPECTED),
    ),
}

# The lowest level that requires each action: below it, an open action is "level lowered".
LOWEST_LEVEL = {}
for _level in sorted(REQUIREMENTS, key=lambda level: Level(level).rank, reverse=True):
    for _req in REQUIREMENTS[_level]:
        LOWEST_LEVEL[_req.action_type] = _level

# Orange and red measures are formal steps: their date and document number (文号) are kept.
DOCUMENTED_TYPES = frozenset(
    req.action_type for level in (Level.ORANGE, Level.RED) for req in REQUIREMENTS[level]
)

# County defaults (days from the day the level was approved); a county may change them.
DEFAULT_DEADLINE_DAYS = {
    ActionType.ROUTINE_SUPERVISION: 90,
    ActionType.RISK_WARNING: 7,
    ActionType.MORE_SPOT_CHECKS: 30,
    ActionType.REMIND_LAWFUL: 15,
    ActionType.LEAD_NOTIFICATION: 3,
    ActionType.FUNDRAISING_MECHANISM: 7,
    ActionType.WARNING_TALK: 7,
    ActionType.RECTIFICATION_ORDER: 30,
    ActionType.URGE_REFUND: 60,
    ActionType.STOP_OPERATIONS: 3,
    ActionType.COMPREHENSIVE_MEASURES: 30,
    ActionType.JUDICIAL_TRANSFER: 7,
    ActionType.FOLLOW_UP_CHECK: 30,
}

# The follow-up after registration is supervision, not a measure of the 红橙黄 list.
FOLLOW_UP_LEVEL = Level.GREEN


# Actions a level requires only under a condition; the county section may also add one to a
# case by hand, with a reason (衡山县 §一.三 纳入属地非法集资等诈骗防范处置机制, 直接移交公安机关).
CONDITIONAL_TYPES = tuple(
    dict.fromkeys(
        req.action_type for reqs in REQUIREMENTS.values() for req in reqs if req.condition
    )
)


def required_action_types(
    level: str,
    *,
    illegal_fundraising: bool = False,
    crime_suspected: bool = False,
    mechanism_for_every_orange: bool = False,
) -> list[str]:
    """The action types ``level`` requires, in the plans' order, conditions applied.

    ``mechanism_for_every_orange`` is the 衡山县 plan's rule (a county setting): every orange
    (and so every red) institution enters the illegal-fundraising mechanism, where the
    district plan enters only those 属于非法集资的.
    """
    if level not in REQUIREMENTS:
        raise ValueError(f"Unknown level {level!r}")
    holds = {
        ALWAYS: True,
        ILLEGAL_FUNDRAISING: illegal_fundraising or mechanism_for_every_orange,
        CRIME_SUSPECTED: crime_suspected,
    }
    return [req.action_type for req in REQUIREMENTS[level] if holds[req.condition]]


def is_below(level: str, action_type: str) -> bool:
    """True when ``level`` no longer requires an action of ``action_type`` (a lowering).
    An action no level requires (the follow-up after registration) is never "lowered"."""
    if action_type not in LOWEST_LEVEL:
        return False
    return Level(level).rank < LOWEST_LEVEL[action_type].rank
