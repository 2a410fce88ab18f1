"""The four-colour rule engine (区县方案 二(二)二 建立"四色"风险名单; SPEC §3).

Plain Python over a ``Facts`` record: no database, no clock, no I/O, so every rule can be
tested at and just below its threshold and every rating can be explained by the values
that made it fire. The rules are a table of data (code, level, plan clause, predicate,
evidence); the level is the highest level among the hits, green when nothing fires.

The 民发〔2024〕19号 prepayment limits are checked beside the colour rules
(``compliance_checks``); a county may turn a failed check into a rule of a chosen level
through ``Thresholds.compliance_rules``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from decimal import Decimal

GREEN, YELLOW, ORANGE, RED = "green", "yellow", "orange", "red"
LEVELS = (GREEN, YELLOW, ORANGE, RED)
LEVEL_LABELS = {RED: "红色", ORANGE: "橙色", YELLOW: "黄色", GREEN: "绿色"}
ZERO = Decimal("0")


def level_rank(level: str) -> int:
    """0 for green up to 3 for red."""
    return LEVELS.index(level)


def highest(levels) -> str:
    return max(levels, key=level_rank, default=GREEN)


@dataclass(frozen=True)
class Facts:
    """What the rules look at, for one institution or venue.

    Every field has a neutral default. ``registered`` defaults to True because an
    unregistered venue is itself a risk fact (O6/R1): ``Facts()`` is a registered
    institution with nothing found, and rates green.
    """

    registered: bool = True
    beds: int = 0
    large_prepayment_total: Decimal = ZERO
    large_prepayment_payers: int = 0
    fund_use: str = ""
    assets: Decimal | None = None
    liabilities: Decimal | None = None
    branches_opened_3y: int = 0
    legal_rep_changes_2y: int = 0
    address_changes_2y: int = 0
    false_advertising: bool = False
    related_party_transactions: bool = False
    person_economic_crime_suit: bool = False
    complaints: int = 0
    person_blacklisted: bool = False
    promised_returns: bool = False
    suspected_crime: bool = False
    collapsed: bool = False
    public_opinion: bool = False
    # For the 民发〔2024〕19号 compliance checks only (not read by the colour rules).
    max_prepaid_months: int | None = None
    max_deposit_ratio: Decimal | None = None
    prepayment_payers: int = 0
    prepayment_total: Decimal = ZERO
    net_fixed_assets: Decimal | None = None

    @property
    def large_prepayment(self) -> bool:
        return self.large_prepayment_total > 0

    @property
    def insolvent(self) -> bool:
        return (
            self.assets is not None
            and self.liabilities is not None
            and self.liabilities > self.assets
        )

    @classmethod
    def field_names(cls) -> set[str]:
        return {f.name for f in fields(cls)}


@dataclass(frozen=True)
class Thresholds:
    """County settings. Changed only by the county section, versioned in the database."""

    fast_expansion_branches: int = 3
    frequent_changes: int = 2
    complaints: int = 1
    # What counts as a large prepayment (read by the facts builder, not by the rules):
    # prepaid fees above 6× the monthly fee (2022 山东 campaign definition), 50,000 yuan or
    # more when the monthly fee is unknown; a deposit above 12× the monthly bed fee
    # (民发〔2024〕19号); any investment-type payment or bed purchase with promised returns.
    prepaid_fee_months: int = 6
    large_amount_fee_unknown: Decimal = Decimal("50000")
    deposit_months: int = 12
    # Failed compliance checks turned into rules: ((check code, level), ...).
    compliance_rules: tuple[tuple[str, str], ...] = ()

    def to_dict(self) -> dict:
        return {
            "fast_expansion_branches": self.fast_expansion_branches,
            "frequent_changes": self.frequent_changes,
            "complaints": self.complaints,
            "prepaid_fee_months": self.prepaid_fee_months,
            "large_amount_fee_unknown": str(self.large_amount_fee_unknown),
            "deposit_months": self.deposit_months,
            "compliance_rules": dict(self.compliance_rules),
        }

    @classmethod
    def from_dict(cls, data: Mapping | None) -> Thresholds:
        data = dict(data or {})
        defaults = cls()
        rules = data.get("compliance_rules") or {}
        if isinstance(rules, Mapping):
            rules = rules.items()
        return cls(
            fast_expansion_branches=int(
                data.get("fast_expansion_branches", defaults.fast_expansion_branches)
            ),
            frequent_changes=int(data.get("frequent_changes", defaults.frequent_changes)),
            complaints=int(data.get("complaints", defaults.complaints)),
            prepaid_fee_months=int(data.get("prepaid_fee_months", defaults.prepaid_fee_months)),
            large_amount_fee_unknown=Decimal(
                str(data.get("large_amount_fee_unknown", defaults.large_amount_fee_unknown))
            ),
            deposit_months=int(data.get("deposit_months", defaults.deposit_months)),
            compliance_rules=tuple(
                sorted((str(code), str(level)) for code, level in rules if level in LEVELS)
            ),
        )

    @property
    def compliance_levels(self) -> dict[str, str]:
        return dict(self.compliance_rules)


@dataclass(frozen=True)
class Hit:
    code: str
    level: str
    clause: str
    evidence: dict

    def to_dict(self) -> dict:
        return {
            "code": self.code,
            "level": self.level,
            "clause": self.clause,
            "evidence": self.evidence,
        }


@dataclass
class Assessment:
    level: str
    hits: list[Hit] = field(default_factory=list)

    @property
    def clauses(self) -> list[str]:
        return [hit.clause for hit in self.hits]

    @property
    def codes(self) -> list[str]:
        return [hit.code for hit in self.hits]

    def to_dict(self) -> dict:
        return {"level": self.level, "hits": [hit.to_dict() for hit in self.hits]}


def _money(value) -> str | None:
    return None if value is None else str(value)


Predicate = Callable[[Facts, Thresholds], bool]
Evidence = Callable[[Facts, Thresholds], dict]


@dataclass(frozen=True)
class Rule:
    code: str
    level: str
    clause: str
    predicate: Predicate
    evidence: Evidence


def _prepayment(f: Facts, t: Thresholds) -> dict:
    return {
        "large_prepayment_total": _money(f.large_prepayment_total),
        "large_prepayment_payers": f.large_prepayment_payers,
    }


def _fund_use(f: Facts, t: Thresholds) -> dict:
    return {**_prepayment(f, t), "fund_use": f.fund_use}


def _insolvency(f: Facts, t: Thresholds) -> dict:
    return {
        **_prepayment(f, t),
        "assets": _money(f.assets),
        "liabilities": _money(f.liabilities),
    }


# The rules, in the order the plan lists them within each colour. Codes are stable; the
# clause is the plan's wording shown to users (区县方案 二(二)二).
RULES: tuple[Rule, ...] = (
    Rule(
        "Y1",
        YELLOW,
        "收取大额预付费但资金主要用于弥补设施建设资金不足",
        lambda f, t: f.large_prepayment and f.fund_use == "facility_construction",
        _fund_use,
    ),
    Rule(
        "Y2",
        YELLOW,
        "近三年分支机构、服务网点扩张过快",
        lambda f, t: f.branches_opened_3y >= t.fast_expansion_branches,
        lambda f, t: {
            "branches_opened_3y": f.branches_opened_3y,
            "threshold": t.fast_expansion_branches,
        },
    ),
    Rule(
        "Y3",
        YELLOW,
        "频繁变更法定代表人、登记注册地",
        lambda f, t: (
            f.legal_rep_changes_2y >= t.frequent_changes
            or f.address_changes_2y >= t.frequent_changes
        ),
        lambda f, t: {
            "legal_rep_changes_2y": f.legal_rep_changes_2y,
            "address_changes_2y": f.address_changes_2y,
            "threshold": t.frequent_changes,
        },
    ),
    Rule(
        "Y4",
        YELLOW,
        "虚假或夸大宣传",
        lambda f, t: f.false_advertising,
        lambda f, t: {"false_advertising": True},
    ),
    Rule(
        "Y5",
        YELLOW,
        "有关联公司且存在关联交易",
        lambda f, t: f.related_party_transactions,
        lambda f, t: {"related_party_transactions": True},
    ),
    Rule(
        "O1",
        ORANGE,
        "投资人、法定代表人或主要负责人因经济犯罪被提起诉讼",
        lambda f, t: f.person_economic_crime_suit,
        lambda f, t: {"person_economic_crime_suit": True},
    ),
    Rule(
        "O2",
        ORANGE,
        "被投诉举报",
        lambda f, t: f.complaints >= t.complaints,
        lambda f, t: {"complaints": f.complaints, "threshold": t.complaints},
    ),
    Rule(
        "O3",
        ORANGE,
        "纳入相关黑名单",
        lambda f, t: f.person_blacklisted,
        lambda f, t: {"person_blacklisted": True},
    ),
    Rule(
        "O4",
        ORANGE,
        "收取大额预付费且资金使用不规范",
        lambda f, t: f.large_prepayment and f.fund_use in ("irregular", "unknown"),
        _fund_use,
    ),
    Rule(
        "O5",
        ORANGE,
        "收取大额预付费的对象数量超过床位总数",
        lambda f, t: f.beds > 0 and f.large_prepayment_payers > f.beds,
        lambda f, t: {"large_prepayment_payers": f.large_prepayment_payers, "beds": f.beds},
    ),
    Rule(
        "O6",
        ORANGE,
        "未经登记开展养老服务活动但没有收取大额预付费",
        lambda f, t: not f.registered and not f.large_prepayment,
        lambda f, t: {"registered": False, **_prepayment(f, t)},
    ),
    Rule(
        "R1",
        RED,
        "未经登记开展养老服务活动且收取大额预付费",
        lambda f, t: not f.registered and f.large_prepayment,
        lambda f, t: {"registered": False, **_prepayment(f, t)},
    ),
    Rule(
        "R2",
        RED,
        "存在涉嫌非法集资、诈骗等犯罪行为（含承诺投资回报\u201c炒床位\u201d）",
        lambda f, t: f.suspected_crime or f.promised_returns,
        lambda f, t: {"suspected_crime": f.suspected_crime, "promised_returns": f.promised_returns},
    ),
    Rule(
        "R3",
        RED,
        "收取大额预付费且资不抵债",
        lambda f, t: f.large_prepayment and f.insolvent,
        _insolvency,
    ),
    Rule(
        "R4",
        RED,
        "已经\u201c爆雷\u201d",
        lambda f, t: f.collapsed,
        lambda f, t: {"collapsed": True},
    ),
    Rule(
        "R5",
        RED,
        "引起不良影响或重大舆情",
        lambda f, t: f.public_opinion,
        lambda f, t: {"public_opinion": True},
    ),
)
RULES_BY_CODE = {rule.code: rule for rule in RULES}


@dataclass(frozen=True)
class ComplianceCheck:
    code: str
    clause: str
    passed: bool | None  # None: the facts needed are unknown
    figures: dict


def compliance_checks(facts: Facts) -> list[ComplianceCheck]:
    """民发〔2024〕19号 prepayment limits, each passed or failed with its figures."""
    f = facts
    months, ratio = f.max_prepaid_months, f.max_deposit_ratio
    return [
        ComplianceCheck(
            "C1",
            "预收服务费用的周期不得超过12个月",
            None if months is None else months <= 12,
            {"max_prepaid_months": months, "limit": 12},
        ),
        ComplianceCheck(
            "C2",
            "押金不得超过月床位费的12倍",
            None if ratio is None else ratio <= 12,
            {"max_deposit_ratio": _money(ratio), "limit": 12},
        ),
        ComplianceCheck(
            "C3",
            "收取预付费的老年人数量不得超过备案床位数",
            None if not f.beds else f.prepayment_payers <= f.beds,
            {"prepayment_payers": f.prepayment_payers, "beds": f.beds},
        ),
        ComplianceCheck(
            "C4",
            "预收费用总额不得超过净固定资产",
            None if f.net_fixed_assets is None else f.prepayment_total <= f.net_fixed_assets,
            {
                "prepayment_total": _money(f.prepayment_total),
                "net_fixed_assets": _money(f.net_fixed_assets),
            },
        ),
        ComplianceCheck(
            "C5",
            "不得承诺还本付息",
            not f.promised_returns,
            {"promised_returns": f.promised_returns},
        ),
    ]


def evaluate(facts: Facts, thresholds: Thresholds | None = None) -> Assessment:
    """Every rule that fires, with its evidence; the level is the highest of them."""
    thresholds = thresholds or Thresholds()
    hits = [
        Hit(rule.code, rule.level, rule.clause, rule.evidence(facts, thresholds))
        for rule in RULES
        if rule.predicate(facts, thresholds)
    ]
    promoted = thresholds.compliance_levels
    if promoted:
        for check in compliance_checks(facts):
            if check.passed is False and check.code in promoted:
                hits.append(
                    Hit(check.code, promoted[check.code], check.clause, dict(check.figures))
                )
    return Assessment(level=highest(hit.level for hit in hits), hits=hits)
