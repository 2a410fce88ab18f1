"""A pack checked against itself: the identities its tables must keep.

The same facts appear in several tables of one pack (the institutions found at risk in 附件2,
listed in 附件3 and counted by level in 附件6; the money refunded per institution in 附件4
and per township in 附件6; the venues of the baseline survey and of its venue table). The
tables are built from one selector per fact at one cut-off, so they agree by construction;
``reconcile`` checks that they do, for every township, so that a pack that disagrees with
itself says so on its page instead of reaching the city.

``PackFigures`` collects what the tables counted while they are written (the per-township
tables as they are, the per-institution tables as tallies per township, streamed: a
province's 50,000 rows are never kept). ``reconcile(figures)`` returns the failures, each
naming the identity and the township; an empty list: every identity holds.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .selectors.common import ten_thousand
from .selectors.lists import measures_of_level


class Identity:
    """The identities a pack keeps, by code (kept on the run; the label is shown)."""

    ROWS_SUM_TO_TOTAL = "rows_sum_to_total"
    RISKS_AGREE = "risks_agree"
    PROGRESS_AT_MOST_FULL = "progress_at_most_full"
    REFUNDS_AGREE = "refunds_agree"
    OWNERSHIP_SUMS = "ownership_sums"
    KINDS_SUM = "kinds_sum"
    VENUES_AGREE = "venues_agree"
    MEASURES_MATCH_LEVEL = "measures_match_level"
    THREE_MUSTS_ITEMS_BOUNDED = "three_musts_items_bounded"
    ZEROING_SUMS = "zeroing_sums"
    NOTICES_BOUNDED = "notices_bounded"
    LOOK_BACK_AT_MOST_FULL = "look_back_at_most_full"
    LABELS = {
        ROWS_SUM_TO_TOTAL: gettext_lazy("The townships' rows add up to the total row"),
        RISKS_AGREE: gettext_lazy(
            "Risks found (attachment 2) = rows of the risk list (attachment 3) = red, orange "
            "and yellow (attachment 6)"
        ),
        PROGRESS_AT_MOST_FULL: gettext_lazy("Screening progress is at most 100%"),
        REFUNDS_AGREE: gettext_lazy(
            "Refunded (attachment 4, yuan) = funds refunded (attachment 6, 10,000 yuan)"
        ),
        OWNERSHIP_SUMS: gettext_lazy("The ownership categories add up to the total"),
        KINDS_SUM: gettext_lazy("Filed, not filed and unregistered venues add up to the total"),
        VENUES_AGREE: gettext_lazy(
            "Unregistered venues agree between the statistics and the venue table"
        ),
        MEASURES_MATCH_LEVEL: gettext_lazy("The measures of a listed row are its level's"),
        THREE_MUSTS_ITEMS_BOUNDED: gettext_lazy(
            "Each of the three musts: at least the institutions with all three, at most the "
            "institutions counted (attachment 5)"
        ),
        ZEROING_SUMS: gettext_lazy(
            "Zeroing: crossed off and still open add up to the venues on the ledger (attachment 6)"
        ),
        NOTICES_BOUNDED: gettext_lazy(
            "Receipts signed at most the notices handed out, the notices at most the elders "
            "housed (attachment 5)"
        ),
        LOOK_BACK_AT_MOST_FULL: gettext_lazy(
            "Look-back re-checked at most the institutions to re-check (attachment 2)"
        ),
    }


@dataclass(frozen=True)
class Failure:
    identity: str
    township: str  # "" for the whole pack (the total row)
    expected: str
    found: str
    subject: str = ""  # the institution, for a per-row identity

    @property
    def label(self) -> str:
        return str(Identity.LABELS.get(self.identity, self.identity))

    def as_dict(self) -> dict:
        return {
            "identity": self.identity,
            "township": self.township,
            "expected": self.expected,
            "found": self.found,
            "subject": self.subject,
        }

    @classmethod
    def from_dict(cls, values: dict) -> Failure:
        return cls(
            values.get("identity", ""),
            values.get("township", ""),
            values.get("expected", ""),
            values.get("found", ""),
            values.get("subject", ""),
        )


@dataclass
class PackFigures:
    """What the tables of one pack counted (filled while they are written)."""

    progress: tuple | None = None  # (rows, total) of 附件2 (baseline 附件4)
    publicity: object | None = None  # PublicityTable (附件5)
    results: object | None = None  # ResultTable (附件6)
    survey: tuple | None = None  # (rows, total) of the baseline 附件1
    listed: Counter | None = None  # 附件3 rows per township name
    refunded: dict | None = None  # 附件4 refunded (yuan) per township name
    venues: Counter | None = None  # baseline 附件2 rows still a venue, per township name
    row_failures: list[Failure] = field(default_factory=list)
    # A roll-up pack (one row per county): township id -> the county row's name, so that the
    # per-institution lists are tallied per county like the per-county tables.
    group_of: dict | None = None
    # The townships not reported by the cut-off, when the rows do not say it (a roll-up).
    not_reported: list | None = None

    def _group(self, row: dict) -> str:
        if self.group_of is not None:
            return self.group_of.get(row.get("township_id"), "")
        return row.get("township__name") or ""

    def tally_risk_list(self, rows: Iterable[dict]) -> Iterator[dict]:
        self.listed = Counter()
        for row in rows:
            township = self._group(row)
            self.listed[township] += 1
            allowed = measures_of_level(row["level_value"])
            foreign = [kind for kind in row.get("measure_types", ()) if kind not in allowed]
            if foreign:
                self.row_failures.append(
                    Failure(
                        Identity.MEASURES_MATCH_LEVEL,
                        township,
                        str(row["level"]),
                        "、".join(foreign),
                        subject=row.get("name", ""),
                    )
                )
            yield row

    def tally_disposal(self, rows: Iterable[dict]) -> Iterator[dict]:
        self.refunded = {}
        for row in rows:
            township = self._group(row)
            self.refunded[township] = self.refunded.get(township, Decimal(0)) + (
                row.get("refunded") or 0
            )
            yield row

    def tally_venues(self, rows: Iterable[dict]) -> Iterator[dict]:
        self.venues = Counter()
        for row in rows:
            if row.get("still_venue"):
                self.venues[row.get("township__name") or ""] += 1
            yield row


def _name(row) -> str:
    return row.township.name if row.township is not None else ""


def _sums(failures, rows, total, names):
    for name in names:
        added = sum((getattr(row, name) or 0) for row in rows)
        if added != (getattr(total, name) or 0):
            failures.append(
                Failure(
                    Identity.ROWS_SUM_TO_TOTAL, "", str(getattr(total, name)), f"{name}={added}"
                )
            )


def _agree(failures, identity, per_township: dict[str, tuple], labels: tuple[str, ...]):
    """``per_township``: township -> the values that must be equal (None: not in this pack)."""
    for township, values in per_township.items():
        present = [(label, v) for label, v in zip(labels, values, strict=True) if v is not None]
        if len({v for _label, v in present}) > 1:
            failures.append(
                Failure(
                    identity,
                    township,
                    f"{present[0][0]}={present[0][1]}",
                    "；".join(f"{label}={v}" for label, v in present[1:]),
                )
            )


def reconcile(pack: PackFigures) -> list[Failure]:
    """Every identity the pack breaks, each with its township ("" for the total)."""
    failures: list[Failure] = []
    risks: dict[str, list] = {}

    if pack.progress is not None:
        rows, total = pack.progress
        _sums(failures, rows, total, ("on_registry", "screened", "risks_found"))
        _sums(failures, rows, total, ("look_back_done",))
        for row in [*rows, total]:
            if row.look_back_done > row.on_registry:
                failures.append(
                    Failure(
                        Identity.LOOK_BACK_AT_MOST_FULL,
                        _name(row),
                        _("at most %(n)d") % {"n": row.on_registry},
                        str(row.look_back_done),
                    )
                )
            if row.screened > row.on_registry:
                failures.append(
                    Failure(
                        Identity.PROGRESS_AT_MOST_FULL,
                        _name(row),
                        _("at most %(n)d") % {"n": row.on_registry},
                        str(row.screened),
                    )
                )
        for row in rows:
            risks.setdefault(_name(row), [None, None, None])[0] = row.risks_found
    if pack.listed is not None:
        townships = set(risks) | set(pack.listed)
        for township in townships:
            risks.setdefault(township, [None, None, None])[1] = pack.listed.get(township, 0)
    if pack.results is not None:
        table = pack.results
        from .selectors.results import ResultFigures

        _sums(failures, table.rows, table.total, ResultFigures.summed())
        for row in table.rows:
            risks.setdefault(_name(row), [None, None, None])[2] = row.red + row.orange + row.yellow
        for row in [*table.rows, table.total]:
            if row.crossed_off + row.ledger_open != row.on_ledger or row.ledger_open < 0:
                failures.append(
                    Failure(
                        Identity.ZEROING_SUMS,
                        _name(row),
                        str(row.on_ledger),
                        f"{row.crossed_off}+{row.ledger_open}",
                    )
                )
    if pack.survey is not None:
        rows, total = pack.survey
        from .selectors.baseline import SurveyFigures

        _sums(failures, rows, total, SurveyFigures.summed())
        for row in [*rows, total]:
            owned = row.public + row.public_private + row.private + row.ownership_unknown
            if owned != row.total:
                failures.append(
                    Failure(Identity.OWNERSHIP_SUMS, _name(row), str(row.total), str(owned))
                )
            kinds = row.filed + row.not_filed + row.venues
            if kinds != row.total:
                failures.append(Failure(Identity.KINDS_SUM, _name(row), str(row.total), str(kinds)))
        for row in rows:
            # The survey's risks count as 附件2's "risks found" in the baseline pack.
            entry = risks.setdefault(_name(row), [None, None, None])
            entry[2] = row.risks
        if pack.venues is not None:
            names = {_name(row) for row in rows} | set(pack.venues)
            by_name = {_name(row): row.venues for row in rows}
            _agree(
                failures,
                Identity.VENUES_AGREE,
                {t: (by_name.get(t, 0), pack.venues.get(t, 0)) for t in names},
                (_("statistics"), _("venue table")),
            )
    if pack.publicity is not None:
        from .selectors.publicity import PublicityFigures

        table = pack.publicity
        _sums(failures, table.rows, table.total, PublicityFigures.SUMMED)
        for row in [*table.rows, table.total]:
            for item in PublicityFigures.ITEMS:
                count = getattr(row, item)
                if not row.three_musts_complete <= count <= row.institutions:
                    failures.append(
                        Failure(
                            Identity.THREE_MUSTS_ITEMS_BOUNDED,
                            _name(row),
                            f"{row.three_musts_complete}–{row.institutions}",
                            f"{item}={count}",
                        )
                    )
            residents, notices, receipts = (
                getattr(row, name) for name in PublicityFigures.NOTICE_COUNTS
            )
            if not receipts <= notices <= residents:
                failures.append(
                    Failure(
                        Identity.NOTICES_BOUNDED,
                        _name(row),
                        f"≤{residents}",
                        f"{notices}/{receipts}",
                    )
                )

    _agree(
        failures,
        Identity.RISKS_AGREE,
        {t: tuple(v) for t, v in risks.items()},
        (_("risks found"), _("risk list"), _("red, orange and yellow")),
    )
    if pack.refunded is not None and pack.results is not None:
        per_township = {}
        for row in pack.results.rows:
            per_township[_name(row)] = (
                row.funds_refunded,
                ten_thousand(pack.refunded.get(_name(row), 0)),
            )
        for township in set(pack.refunded) - set(per_township):
            per_township[township] = (Decimal(0), ten_thousand(pack.refunded[township]))
        _agree(
            failures,
            Identity.REFUNDS_AGREE,
            per_township,
            (_("attachment 6"), _("attachment 4")),
        )
    failures.extend(pack.row_failures)
    return failures


__all__ = ["Failure", "Identity", "PackFigures", "reconcile"]
