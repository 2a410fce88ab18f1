"""The four-colour rule engine (区县方案 二(二)二 建立"四色"风险名单).

Plain Python over a ``Facts`` record: no Django, no database, no clock, no I/O. That is what
lets every rule be tested at and just below its threshold, lets a threshold change be
previewed for a whole county without writing anything, and lets every rating be explained
by the plain values that made it fire.

The rules are a table of data (``RULES``: code, level, the plan's clause, predicate,
evidence), not a chain of ``if``s: adding or rewording a rule is one entry, and the list
page, the institution page and the weekly attachment 3 all quote the same clause. The level
is the highest level among the hits, green when nothing fires.

Beside the colour rules, the national prepayment limits of 民发〔2024〕19号 are checked
(``compliance_checks``), each passed or failed with its figures. A failed check colours an
institution when the county turned it into a rule of a chosen level
(``Thresholds.compliance_rules``), and always when the institution's large prepayment is
used for daily operations (日常运营): such a use is green only while every limit holds
(``Thresholds.operations_check_level``, yellow unless the county says otherwise).

Missing information is never read as "nothing found": a large prepayment whose use is not
recorded (or recorded as 不明) is a hit of its own, V1 待核实 (its level a county setting),
until someone records the use.

Only the facts builder (``risklists.facts``) turns the database into ``Facts``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, fields
from decimal import Decimal
from functools import partial
from typing import Any

# --- levels ---------------------------------------------------------------------------------

GREEN, YELLOW, ORANGE, RED = "green", "yellow", "orange", "red"
# Lowest to highest: the order is what "the highest level among the hits" means.
LEVELS: tuple[str, ...] = (GREEN, YELLOW, ORANGE, RED)
LEVEL_LABELS: dict[str, str] = {RED: "红色", ORANGE: "橙色", YELLOW: "黄色", GREEN: "绿色"}
# A rule only ever puts an institution on the list; green is the absence of hits.
RULE_LEVELS: tuple[str, ...] = (YELLOW, ORANGE, RED)

ZERO = Decimal(0)


_RANKS: dict[str, int] = {level: rank for rank, level in enumerate(LEVELS)}


def level_rank(level: str) -> int:
    """0 for green up to 3 for red, so levels can be compared and sorted."""
    try:
        return _RANKS[level]
    except (KeyError, TypeError):
        raise ValueError(f"unknown level {level!r}; expected one of {LEVELS}") from None


def highest(levels: Iterable[str]) -> str:
    """The highest of the levels given; green when there are none."""
    return max(levels, key=level_rank, default=GREEN)


# --- facts ----------------------------------------------------------------------------------

# Declared use of the prepayment funds (区县方案: 预付费资金使用情况); "" = not stated.
FUND_USE_NOT_STATED = ""
FUND_USE_FACILITY_CONSTRUCTION = "facility_construction"  # 设施建设 (Y1)
FUND_USE_OPERATIONS = "operations"  # 日常运营
FUND_USE_IRREGULAR = "irregular"  # 挪作他用/不规范 (O4)
FUND_USE_UNKNOWN = "unknown"  # 不明: not established, as good as not stated (V1)
FUND_USES: tuple[str, ...] = (
    FUND_USE_NOT_STATED,
    FUND_USE_FACILITY_CONSTRUCTION,
    FUND_USE_OPERATIONS,
    FUND_USE_IRREGULAR,
    FUND_USE_UNKNOWN,
)


@dataclass(frozen=True)
class Facts:
    """What the rules look at, for one institution or unregistered venue.

    Every field has a neutral default, so ``Facts()`` is "nothing found" and rates green.
    The neutral default of ``registered`` is True, not False: being unregistered is itself
    a risk fact (O6, or R1 with a large prepayment), so a default of False would put every
    record the builder had not filled in on the orange list.

    ``beds`` of 0 means the number of beds is unknown (O5 and C3 then do not judge).

    ``sources`` names, per fact, the records behind it, as JSON-ready dicts (``{"kind":
    "visit", "id": 7, "date": "2026-06-01"}``): for a finding that stays found (爆雷,
    涉嫌犯罪, 重大舆情, 承诺投资回报, 虚假宣传, 关联交易) the record that established it, for
    ``complaints`` the complaints and leads that counted. The rules copy them into their
    evidence; they never decide whether a rule fires.
    """

    registered: bool = True
    beds: int = 0
    large_prepayment_total: Decimal = ZERO
    large_prepayment_payers: int = 0
    # 收取大额预付费 as found (the latest visit's answer, else the registry's flag), though the
    # prepayment records may not show the amounts yet: it is collecting all the same.
    large_prepayment_flagged: bool = False
    fund_use: str = FUND_USE_NOT_STATED
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
    # 属于非法集资的 (区县方案 二(二)三, 纳入处非机制): the competent authority determined it
    # (衡山县 §二.二 调查认定); a suspicion found on a visit is ``suspected_crime`` only.
    illegal_fundraising: bool = False
    collapsed: bool = False
    public_opinion: bool = False

    # --- For the 民发〔2024〕19号 compliance checks only; the colour rules never read them.
    # Longest period covered by prepaid service fees, in months (C1); None = unknown.
    max_prepaid_months: int | None = None
    # Highest deposit divided by the monthly bed fee (C2); None = unknown.
    max_deposit_ratio: Decimal | None = None
    # Elders with any outstanding prepayment, of any kind (C3).
    prepayment_payers: int = 0
    # All prepayments outstanding, of any kind (C4).
    prepayment_total: Decimal = ZERO
    # Net fixed assets of the latest balance (C4); None = unknown.
    net_fixed_assets: Decimal | None = None

    # {fact name: ({"kind": ..., "id": ..., "date": ...}, ...)}: what the evidence names.
    sources: Mapping[str, tuple[Mapping[str, Any], ...]] = field(default_factory=dict, hash=False)

    def __post_init__(self) -> None:
        # A misspelt fund use would silently keep Y1 and O4 from ever firing.
        if self.fund_use not in FUND_USES:
            raise ValueError(f"unknown fund_use {self.fund_use!r}; expected one of {FUND_USES}")

    @property
    def large_prepayment(self) -> bool:
        """收取大额预付费: a prepayment on record counts as large under the county's
        thresholds, or a visit (else the registry) found it collecting large prepayments."""
        return self.large_prepayment_total > 0 or self.large_prepayment_flagged

    @property
    def insolvent(self) -> bool:
        """资不抵债: judged only when both sides of the balance are known."""
        return (
            self.assets is not None
            and self.liabilities is not None
            and self.liabilities > self.assets
        )

    @classmethod
    def field_names(cls) -> set[str]:
        """The names the facts builder may fill in."""
        return {f.name for f in fields(cls)}

    @classmethod
    def from_fields(cls, values: dict[str, Any]) -> Facts:
        """``Facts(**values)`` for a dict that names every field, without passing two dozen
        keyword arguments one by one (the nightly rating builds fifty thousand)."""
        if values.keys() != _FACT_FIELDS:
            return cls(**values)
        facts = object.__new__(cls)
        facts.__dict__.update(values)  # what the frozen __init__ would set, field by field
        facts.__post_init__()
        return facts


_FACT_FIELDS = frozenset(Facts.field_names())


# --- thresholds -----------------------------------------------------------------------------

# The counting thresholds; below 1 a rule would fire for every institution.
_COUNT_THRESHOLDS = (
    "fast_expansion_branches",
    "frequent_changes",
    "complaints",
    "prepaid_fee_months",
    "deposit_months",
)
# The settings that give a rule's level (the county chooses yellow, orange or red).
_LEVEL_SETTINGS = ("fund_use_unverified_level", "operations_check_level")


@dataclass(frozen=True)
class Thresholds:
    """A county's settings. Changed only by the county section and stored as
    versioned JSON (``to_dict``/``from_dict``), so every assessment names the version it
    used. Frozen and hashable so that a batch can group institutions by the thresholds
    in force for them."""

    fast_expansion_branches: int = 3  # Y2: branches opened in 36 months
    frequent_changes: int = 2  # Y3: changes of legal representative or address in 24 months
    complaints: int = 1  # O2: complaints and reports

    # What counts as a large prepayment. Read by the facts builder, never by the rules,
    # which only see the resulting large_prepayment_total/payers. A payer's prepaid fees
    # (membership fees, top-ups, prepaid service fees) above this many monthly fees (the
    # 2022 山东 campaign definition) ...
    prepaid_fee_months: int = 6
    # ... or from this amount when the monthly fee is unknown;
    large_amount_fee_unknown: Decimal = Decimal(50000)
    # a deposit above this many monthly bed fees (民发〔2024〕19号); investment-type
    # payments and bed purchases with promised returns always count.
    deposit_months: int = 12

    # Failed 民发〔2024〕19号 checks that the county turned into rules: sorted
    # ((check code, level), ...) pairs. A mapping is accepted and normalised.
    compliance_rules: tuple[tuple[str, str], ...] = ()

    # V1 待核实: the level of a large prepayment whose use of funds is not recorded.
    fund_use_unverified_level: str = YELLOW
    # The level of a failed 民发〔2024〕19号 check when the large prepayment is used for
    # daily operations (日常运营 is green only while every limit holds).
    operations_check_level: str = YELLOW

    def __post_init__(self) -> None:
        for name in _COUNT_THRESHOLDS:
            if int(getattr(self, name)) < 1:
                raise ValueError(f"{name} must be at least 1")
        for name in _LEVEL_SETTINGS:
            if getattr(self, name) not in RULE_LEVELS:
                raise ValueError(f"{name} must be one of {RULE_LEVELS}")
        amount = Decimal(str(self.large_amount_fee_unknown))
        if amount < 0:
            raise ValueError("large_amount_fee_unknown must not be negative")
        object.__setattr__(self, "large_amount_fee_unknown", amount)
        object.__setattr__(self, "compliance_rules", _compliance_rules(self.compliance_rules))

    @property
    def compliance_levels(self) -> dict[str, str]:
        """``{check code: level}`` of the checks that are rules."""
        return dict(self.compliance_rules)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: Decimals as strings, the compliance rules as ``{code: level}``."""
        return {
            "fast_expansion_branches": self.fast_expansion_branches,
            "frequent_changes": self.frequent_changes,
            "complaints": self.complaints,
            "prepaid_fee_months": self.prepaid_fee_months,
            "large_amount_fee_unknown": str(self.large_amount_fee_unknown),
            "deposit_months": self.deposit_months,
            "compliance_rules": dict(self.compliance_rules),
            "fund_use_unverified_level": self.fund_use_unverified_level,
            "operations_check_level": self.operations_check_level,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> Thresholds:
        """The inverse of ``to_dict``. Missing keys take the defaults (a version saved
        before a setting existed still loads); unknown keys are ignored; a compliance
        rule with an empty level means "not a rule"."""
        data = dict(data or {})
        defaults = cls()
        ints = {
            name: int(data.get(name, getattr(defaults, name)))
            for name in (
                "fast_expansion_branches",
                "frequent_changes",
                "complaints",
                "prepaid_fee_months",
                "deposit_months",
            )
        }
        amount = data.get("large_amount_fee_unknown", defaults.large_amount_fee_unknown)
        levels = {name: data.get(name) or getattr(defaults, name) for name in _LEVEL_SETTINGS}
        return cls(
            **ints,
            large_amount_fee_unknown=Decimal(str(amount)),
            compliance_rules=data.get("compliance_rules") or (),
            **levels,
        )


def _compliance_rules(
    rules: Mapping[str, str] | Iterable[tuple[str, str]] | None,
) -> tuple[tuple[str, str], ...]:
    """Sorted ``((code, level), ...)``, so equal settings compare and hash equal."""
    pairs = rules.items() if isinstance(rules, Mapping) else (rules or ())
    result: dict[str, str] = {}
    for code, level in pairs:
        if not level:
            continue
        if code not in COMPLIANCE_CODES:
            raise ValueError(f"unknown compliance check {code!r}; expected {COMPLIANCE_CODES}")
        if level not in RULE_LEVELS:
            raise ValueError(f"a compliance rule's level must be one of {RULE_LEVELS}")
        result[str(code)] = str(level)
    return tuple(sorted(result.items()))


# --- results --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Hit:
    """One rule that fired: the plan's clause and the plain values that made it fire."""

    code: str
    level: str
    clause: str
    evidence: dict[str, Any] = field(default_factory=dict, hash=False)

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "level": self.level,
            "clause": self.clause,
            "evidence": dict(self.evidence),
        }


@dataclass
class Assessment:
    """The engine's proposal for one institution. ``hits`` are in ``RULES`` order (yellow,
    orange, red, as the plan lists them), then any compliance rules in check order; the
    list page sorts by ``level``, not by hit order."""

    level: str
    hits: list[Hit] = field(default_factory=list)

    @property
    def clauses(self) -> list[str]:
        """The risk description of attachment 3: the clauses that fired."""
        return [hit.clause for hit in self.hits]

    @property
    def codes(self) -> list[str]:
        return [hit.code for hit in self.hits]

    def to_dict(self) -> dict[str, Any]:
        return {"level": self.level, "hits": [hit.to_dict() for hit in self.hits]}


# --- the rules ------------------------------------------------------------------------------

Predicate = Callable[[Facts, Thresholds], bool]
Evidence = Callable[[Facts, Thresholds], dict[str, Any]]


@dataclass(frozen=True)
class Rule:
    """One row of the rule table. ``evidence`` is called only when ``predicate`` holds and
    returns JSON-ready plain values (amounts as strings), with the threshold if any.

    ``level_setting`` names the ``Thresholds`` field that gives the level when the county
    chooses it; ``level`` is then the default."""

    code: str
    level: str
    clause: str
    predicate: Predicate
    evidence: Evidence
    level_setting: str | None = None

    def level_for(self, thresholds: Thresholds) -> str:
        if self.level_setting is None:
            return self.level
        return getattr(thresholds, self.level_setting)

    def apply(self, facts: Facts, thresholds: Thresholds) -> Hit | None:
        if not self.predicate(facts, thresholds):
            return None
        return Hit(
            self.code, self.level_for(thresholds), self.clause, self.evidence(facts, thresholds)
        )


def _money(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _established(f: Facts, *names: str) -> dict[str, Any]:
    """``{"established_by": [...]}``: the records that established the facts ``names``
    (each with its fact's name), when the facts builder named them."""
    sources = f.sources
    if not sources:
        return {}
    found = [{"fact": name, **source} for name in names for source in sources.get(name, ())]
    return {"established_by": found} if found else {}


def _flag_evidence(name: str, f: Facts, t: Thresholds) -> dict[str, Any]:
    return {name: getattr(f, name), **_established(f, name)}


def _flag(name: str) -> Evidence:
    # A partial, not a lambda built here: _flag runs once, as the table is built at import,
    # and make mutation (mutmut) can break only what runs while a test runs.
    return partial(_flag_evidence, name)  # pragma: no mutate


def _prepayment(f: Facts, t: Thresholds) -> dict[str, Any]:
    evidence = {
        "large_prepayment_total": _money(f.large_prepayment_total),
        "large_prepayment_payers": f.large_prepayment_payers,
    }
    if f.large_prepayment_flagged:
        evidence["large_prepayment_flagged"] = True
    return evidence


def _fund_use(f: Facts, t: Thresholds) -> dict[str, Any]:
    return {**_prepayment(f, t), "fund_use": f.fund_use}


def _crime(f: Facts, t: Thresholds) -> dict[str, Any]:
    """R2's evidence; 属于非法集资 and the authority's determinations (whatever they found:
    a 不构成非法集资 is shown beside the suspicion it does not resolve) only when there are
    any, so that a rating without them keeps the evidence it always had."""
    evidence: dict[str, Any] = {
        "suspected_crime": f.suspected_crime,
        "promised_returns": f.promised_returns,
    }
    if f.illegal_fundraising:
        evidence["illegal_fundraising"] = True
    evidence.update(_established(f, "suspected_crime", "promised_returns", "illegal_fundraising"))
    determinations = f.sources.get("determinations") if f.sources else None
    if determinations:
        evidence["determinations"] = [dict(source) for source in determinations]
    return evidence


def _complaints(f: Facts, t: Thresholds) -> dict[str, Any]:
    evidence: dict[str, Any] = {"complaints": f.complaints, "threshold": t.complaints}
    counted = f.sources.get("complaints") if f.sources else None
    if counted:
        evidence["counted"] = [dict(source) for source in counted]
    return evidence


# 区县方案 二(二)一 重点排查…预付费资金使用情况: not recorded (or recorded as 不明) is not
# "nothing found" but a question still open.
FUND_USE_UNVERIFIED = (FUND_USE_NOT_STATED, FUND_USE_UNKNOWN)


def _unregistered(f: Facts, t: Thresholds) -> dict[str, Any]:
    return {"registered": f.registered, **_prepayment(f, t)}


def _insolvency(f: Facts, t: Thresholds) -> dict[str, Any]:
    return {**_prepayment(f, t), "assets": _money(f.assets), "liabilities": _money(f.liabilities)}


# 区县方案 二(二)二 "四色"风险名单, in the plan's order within each colour. Codes are stable
# (stored with every assessment); the clause is the plan's wording shown to users.
RULES: tuple[Rule, ...] = (
    # 黄色: 存在一定风险隐患
    Rule(
        "Y1",
        YELLOW,
        "收取大额预付费但资金主要用于弥补设施建设资金不足",
        lambda f, t: f.large_prepayment and f.fund_use == FUND_USE_FACILITY_CONSTRUCTION,
        _fund_use,
    ),
    # 待核实: the plan asks what the prepayment funds are used for (重点排查…预付费资金使用
    # 情况); until that is recorded the large prepayment is a hit of its own, of the level
    # the county chooses.
    Rule(
        "V1",
        YELLOW,
        "待核实：预付费资金使用情况",
        lambda f, t: f.large_prepayment and f.fund_use in FUND_USE_UNVERIFIED,
        _fund_use,
        level_setting="fund_use_unverified_level",
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
        "Y4", YELLOW, "虚假或夸大宣传", lambda f, t: f.false_advertising, _flag("false_advertising")
    ),
    Rule(
        "Y5",
        YELLOW,
        "有关联公司且存在关联交易",
        lambda f, t: f.related_party_transactions,
        _flag("related_party_transactions"),
    ),
    # 橙色: 存在较大风险隐患
    Rule(
        "O1",
        ORANGE,
        "投资人、法定代表人或主要负责人因经济犯罪被提起诉讼",
        lambda f, t: f.person_economic_crime_suit,
        _flag("person_economic_crime_suit"),
    ),
    Rule(
        "O2",
        ORANGE,
        "被投诉举报",
        lambda f, t: f.complaints >= t.complaints,
        _complaints,
    ),
    Rule(
        "O3",
        ORANGE,
        "纳入相关黑名单",
        lambda f, t: f.person_blacklisted,
        _flag("person_blacklisted"),
    ),
    Rule(
        "O4",
        ORANGE,
        "收取大额预付费且资金使用不规范",
        lambda f, t: f.large_prepayment and f.fund_use == FUND_USE_IRREGULAR,
        _fund_use,
    ),
    Rule(
        "O5",
        ORANGE,
        "收取大额预付费的对象数量超过床位总数",
        # Only when the beds are known: 0 beds on record is a gap, not a finding.
        lambda f, t: f.beds > 0 and f.large_prepayment_payers > f.beds,
        lambda f, t: {"large_prepayment_payers": f.large_prepayment_payers, "beds": f.beds},
    ),
    Rule(
        "O6",
        ORANGE,
        "未经登记开展养老服务活动但没有收取大额预付费",
        lambda f, t: not f.registered and not f.large_prepayment,
        _unregistered,
    ),
    # 红色: 存在重大风险隐患
    Rule(
        "R1",
        RED,
        "未经登记开展养老服务活动且收取大额预付费",
        lambda f, t: not f.registered and f.large_prepayment,
        _unregistered,
    ),
    Rule(
        "R2",
        RED,
        "存在涉嫌非法集资、诈骗等犯罪行为（含承诺投资回报\u201c炒床位\u201d）",
        lambda f, t: f.suspected_crime or f.promised_returns or f.illegal_fundraising,
        _crime,
    ),
    Rule(
        "R3",
        RED,
        "收取大额预付费且资不抵债",
        lambda f, t: f.large_prepayment and f.insolvent,
        _insolvency,
    ),
    Rule("R4", RED, "已经\u201c爆雷\u201d", lambda f, t: f.collapsed, _flag("collapsed")),
    Rule(
        "R5", RED, "引起不良影响或重大舆情", lambda f, t: f.public_opinion, _flag("public_opinion")
    ),
)
RULES_BY_CODE: dict[str, Rule] = {rule.code: rule for rule in RULES}


# --- 民发〔2024〕19号 compliance checks -------------------------------------------------------

# National limits, not county settings: the county only decides whether a failure is a rule.
PREPAID_MONTHS_LIMIT = 12
DEPOSIT_MONTHS_LIMIT = 12


@dataclass(frozen=True)
class ComplianceCheck:
    """The outcome of one check: ``passed`` is None when the facts it needs are unknown."""

    code: str
    clause: str
    passed: bool | None
    figures: dict[str, Any] = field(default_factory=dict, hash=False)

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "clause": self.clause,
            "passed": self.passed,
            "figures": dict(self.figures),
        }


@dataclass(frozen=True)
class ComplianceLimit:
    """One row of the check table: the limit's clause, its test and its figures."""

    code: str
    clause: str
    passed: Callable[[Facts], bool | None]
    figures: Callable[[Facts], dict[str, Any]]

    def check(self, facts: Facts) -> ComplianceCheck:
        return ComplianceCheck(self.code, self.clause, self.passed(facts), self.figures(facts))


def _within(value: Any, limit: Any) -> bool | None:
    return None if value is None else value <= limit


COMPLIANCE_LIMITS: tuple[ComplianceLimit, ...] = (
    ComplianceLimit(
        "C1",
        "预收服务费用的周期不得超过12个月",
        lambda f: _within(f.max_prepaid_months, PREPAID_MONTHS_LIMIT),
        lambda f: {"max_prepaid_months": f.max_prepaid_months, "limit": PREPAID_MONTHS_LIMIT},
    ),
    ComplianceLimit(
        "C2",
        "押金不得超过月床位费的12倍",
        lambda f: _within(f.max_deposit_ratio, DEPOSIT_MONTHS_LIMIT),
        lambda f: {"max_deposit_ratio": _money(f.max_deposit_ratio), "limit": DEPOSIT_MONTHS_LIMIT},
    ),
    ComplianceLimit(
        "C3",
        "收取预付费的老年人数量不得超过备案床位数",
        # 0 beds on record means the filed beds are unknown.
        lambda f: _within(f.prepayment_payers, f.beds) if f.beds > 0 else None,
        lambda f: {"prepayment_payers": f.prepayment_payers, "beds": f.beds},
    ),
    ComplianceLimit(
        "C4",
        "预收费用总额不得超过净固定资产",
        lambda f: None if f.net_fixed_assets is None else f.prepayment_total <= f.net_fixed_assets,
        lambda f: {
            "prepayment_total": _money(f.prepayment_total),
            "net_fixed_assets": _money(f.net_fixed_assets),
        },
    ),
    ComplianceLimit(
        "C5",
        "不得承诺还本付息",
        lambda f: not f.promised_returns,
        lambda f: {"promised_returns": f.promised_returns},
    ),
)
COMPLIANCE_CODES: tuple[str, ...] = tuple(limit.code for limit in COMPLIANCE_LIMITS)


# The regulation the checks rest on: a hit made of a failed check cites it, since its
# clause is not the plans' wording.
COMPLIANCE_SOURCE = "民发〔2024〕19号"


def check_hit_clause(clause: str) -> str:
    """The clause of a hit made of a failed check: the limit, citing its regulation."""
    return f"{clause}（{COMPLIANCE_SOURCE}）"


def compliance_checks(facts: Facts) -> list[ComplianceCheck]:
    """The 民发〔2024〕19号 prepayment limits, each passed, failed or unknown, with its
    figures, in C1–C5 order."""
    return [limit.check(facts) for limit in COMPLIANCE_LIMITS]


_LIMITS = tuple(
    (limit.code, limit.clause, limit.passed, limit.figures) for limit in COMPLIANCE_LIMITS
)


# --- what a rating found -------------------------------------------------------------------


@dataclass(frozen=True)
class Findings:
    """What a rating found that the measures of its level depend on, read back from its
    hits' evidence: disposal trusts these and never reads the records a second time.

    - ``large_prepayment``: 收取大额预付费 (清零行动: 责令退还资金 before a venue is crossed
      off as registered);
    - ``illegal_fundraising``: 属于非法集资的 (纳入属地防范和处置非法集资工作机制): the
      competent authority determined it (R2's evidence says so), not a suspicion alone;
    - ``crime_suspected``: 对涉嫌犯罪的 (移送司法机关);
    - ``serious_risk``: an orange or red risk found besides being unregistered (清零行动: not
      运营比较平稳 by the rating's reading; the township's own judgement on the ledger entry
      prevails).
    """

    large_prepayment: bool = False
    illegal_fundraising: bool = False
    crime_suspected: bool = False
    serious_risk: bool = False


def _positive(value: Any) -> bool:
    try:
        return Decimal(str(value)) > 0
    except (ArithmeticError, ValueError, TypeError):
        return False


# The clauses that rate a venue for being unregistered (O6 without, R1 with a large
# prepayment): what the 清零行动 acts on, not a sign of how the venue operates.
UNREGISTERED_CODES = frozenset({"O6", "R1"})


def findings(hits: Iterable[Mapping[str, Any]]) -> Findings:
    """The ``Findings`` of a rating, from its stored hits (``Hit.to_dict()`` form).

    A large prepayment is found when a hit's evidence counts one (a total or payers above
    zero, under the thresholds the rating used, or the finding of a visit or the registry:
    Y1, V1, O4, O5, R1, R3, and a failed check of a prepayment used for daily operations);
    a suspected crime when a hit's evidence has suspected crime or promised returns
    (R2, or the 民发〔2024〕19号 check C5 made a rule), as the plan's R2 clause reads
    (存在涉嫌非法集资、诈骗等犯罪行为（含承诺投资回报"炒床位"）); illegal fundraising
    (属于非法集资的) only when R2's evidence has the authority's determination
    (``illegal_fundraising``), which is also a suspected crime.
    """
    large = crime = illegal = serious = False
    for hit in hits:
        evidence = hit.get("evidence") or {}
        serious = serious or (
            hit.get("level") in (ORANGE, RED) and hit.get("code") not in UNREGISTERED_CODES
        )
        large = (
            large
            or evidence.get("large_prepayment_flagged") is True
            or any(
                _positive(evidence.get(key))
                for key in ("large_prepayment_total", "large_prepayment_payers")
            )
        )
        crime = crime or bool(evidence.get("suspected_crime") or evidence.get("promised_returns"))
        illegal = illegal or evidence.get("illegal_fundraising") is True
    return Findings(
        large_prepayment=large,
        illegal_fundraising=illegal,
        crime_suspected=crime or illegal,
        serious_risk=serious,
    )


# --- evaluation -----------------------------------------------------------------------------


def evaluate(facts: Facts, thresholds: Thresholds | None = None) -> Assessment:
    """Every rule that fires, with its evidence; the level is the highest of them.

    All hits are kept, not just the highest, because the list shows every risk found and
    the disposal measures answer each of them. Hits come in ``RULES`` order, then a hit
    for each failed compliance check the county made a rule, or that fails while the large
    prepayment is used for daily operations (the higher of the two levels; its clause
    citing 民发〔2024〕19号; its figures, and then the fund use, as evidence).
    ``thresholds`` default to ``Thresholds()``.
    """
    thresholds = thresholds if thresholds is not None else Thresholds()
    level, hits, _checks = evaluate_plain(facts, thresholds)
    return Assessment(
        level=level,
        hits=[Hit(hit["code"], hit["level"], hit["clause"], hit["evidence"]) for hit in hits],
    )


def evaluate_plain(facts: Facts, thresholds: Thresholds) -> tuple[str, list[dict], list[dict]]:
    """``evaluate`` and ``compliance_checks`` at once, as the plain values an assessment
    stores: ``(level, [Hit.to_dict(), ...], [ComplianceCheck.to_dict(), ...])``.

    The nightly rating calls this for every institution of a province, so it builds no
    objects but the dicts it returns, and evidence only for the rules that fire.
    """
    rank = 0
    hits = []
    for rule in RULES:
        if rule.predicate(facts, thresholds):
            level = rule.level if rule.level_setting is None else rule.level_for(thresholds)
            hits.append(
                {
                    "code": rule.code,
                    "level": level,
                    "clause": rule.clause,
                    "evidence": rule.evidence(facts, thresholds),
                }
            )
            if _RANKS[level] > rank:
                rank = _RANKS[level]
    checks = [
        {"code": code, "clause": clause, "passed": passed(facts), "figures": figures(facts)}
        for code, clause, passed, figures in _LIMITS
    ]
    operations = facts.large_prepayment and facts.fund_use == FUND_USE_OPERATIONS
    if thresholds.compliance_rules or operations:
        promoted = dict(thresholds.compliance_rules)
        for check in checks:
            if check["passed"] is not False:
                continue
            level = promoted.get(check["code"])
            evidence = dict(check["figures"])
            if operations:
                # 日常运营 is green only while every 民发〔2024〕19号 limit holds.
                ops_level = thresholds.operations_check_level
                if level is None or _RANKS[ops_level] > _RANKS[level]:
                    level = ops_level
                evidence.update(_fund_use(facts, thresholds))
            if level is not None:
                hits.append(
                    {
                        "code": check["code"],
                        "level": level,
                        "clause": check_hit_clause(check["clause"]),
                        "evidence": evidence,
                    }
                )
                rank = max(rank, _RANKS[level])
    return LEVELS[rank], hits, checks
