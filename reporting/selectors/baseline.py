"""The figures of the 衡山县 baseline screening pack (山民发〔2022〕1号 附件1, 附件2, 附件5).

附件3 (the 红橙黄 list) and 附件4 (the screening progress) are the district tables' rows
(``lists.risk_list_rows``, ``progress.progress_table``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, fields
from datetime import date, datetime

from django.db.models import Count, F, Q

from accounts.models import OrgUnit
from accounts.selectors import visible_townships
from core.asof import active_at, history_of, recorded_by, value_as_of
from disposal.models import Outcome, TargetOutcome, ZeroingEntry, ZeroingStatus
from disposal.selectors.zeroing import target_outcome, zeroing_ledger
from institutions.models import (
    Institution,
    LegalForm,
    Ownership,
    RegistrationStatus,
    VenueNature,
)
from institutions.selectors import LARGE_INSTITUTION_BEDS, large_q
from risklists.engine import Thresholds
from risklists.figures import derived_figures
from risklists.levels import Level
from risklists.selectors import approved_q, rating_findings
from screening.selectors.four_looks import TownshipAt, registration_status_at, submitted_visits

from .common import CHUNK_SIZE, Window, in_window

# 衡山县方案 第三 把握摸排重点: "规模相对较大的" institutions, as the registry reads it.
LARGE_SCALE_BEDS = LARGE_INSTITUTION_BEDS


# --- 附件1 摸底排查情况统计表 -------------------------------------------------------------------


@dataclass
class SurveyFigures:
    township: OrgUnit | None
    total: int = 0
    filed: int = 0
    not_filed: int = 0
    venues: int = 0
    public: int = 0
    public_private: int = 0
    private: int = 0
    ownership_unknown: int = 0
    large_scale: int = 0
    multi_industry: int = 0
    screened: int = 0
    red: int = 0
    orange: int = 0
    yellow: int = 0

    @property
    def risks(self) -> int:
        return self.red + self.orange + self.yellow

    @classmethod
    def summed(cls) -> tuple[str, ...]:
        return tuple(f.name for f in fields(cls) if f.name != "township")


def survey_table(
    user, window: Window, townships=None, cutoff: datetime | None = None
) -> tuple[list[SurveyFigures], SurveyFigures]:
    """Per township: the active institutions and venues by kind (备案, 未备案, 未经登记场所),
    by ownership (公办, 公建民营, 民办, not recorded: the four add up to the total), the
    plan's focus (large, several industries), those screened (a submitted visit in
    ``window``), and the approved levels; all as they stood at ``cutoff``. One query."""
    if townships is None:
        townships = visible_townships(user)
    rows = {t.pk: SurveyFigures(t) for t in townships}
    screened = Q(
        pk__in=submitted_visits(cutoff)
        .filter(in_window("visited_on", window))
        .order_by()
        .values("institution_id")
    )
    registration = Q(registration_then=RegistrationStatus.REGISTERED_FILED)
    counts = {
        "total": Count("pk"),
        "filed": Count("pk", filter=registration),
        "not_filed": Count(
            "pk", filter=Q(registration_then=RegistrationStatus.REGISTERED_NOT_FILED)
        ),
        "venues": Count("pk", filter=Q(registration_then=RegistrationStatus.UNREGISTERED)),
        "public": Count("pk", filter=Q(ownership_then=Ownership.PUBLIC)),
        "public_private": Count("pk", filter=Q(ownership_then=Ownership.PUBLIC_BUILT_PRIVATE_RUN)),
        "private": Count("pk", filter=Q(ownership_then=Ownership.PRIVATE)),
        "ownership_unknown": Count("pk", filter=~Q(ownership_then__in=Ownership.values)),
        "large_scale": Count("pk", filter=large_q()),
        "multi_industry": Count("pk", filter=Q(multi_industry=True)),
        "screened": Count("pk", filter=screened),
        **{
            level: Count("pk", filter=approved_q(level, cutoff))
            for level in (Level.RED, Level.ORANGE, Level.YELLOW)
        },
    }
    # Each institution in the township it belonged to at the cut-off.
    institutions, key = TownshipAt(cutoff).group(
        Institution.objects.visible_to(user).as_of(cutoff), rows, chosen=True
    )
    for figures in (
        institutions.alias(
            registration_then=registration_status_at(cutoff),
            ownership_then=value_as_of(Institution, "ownership", cutoff),
        )
        .values(key)
        .annotate(**counts)
        .order_by()
    ):
        row = rows[figures[key]]
        for name in counts:
            setattr(row, name, figures[name])
    total = SurveyFigures(None)
    for row in rows.values():
        for name in SurveyFigures.summed():
            setattr(total, name, getattr(total, name) + getattr(row, name))
    return list(rows.values()), total


# --- 附件2 未经登记场所统计表 ------------------------------------------------------------------


def former_venues(cutoff: datetime):
    """Ids of the institutions recorded as unregistered venues at or before ``cutoff``."""
    return (
        history_of(Institution)
        .filter(history_date__lte=cutoff, registration_status=RegistrationStatus.UNREGISTERED)
        .values("id")
    )


def _labels(choices) -> dict[str, str]:
    return {value: str(label) for value, label in choices}


def venue_rows(
    user, thresholds: Thresholds, today: date, chunk_size=CHUNK_SIZE, cutoff: datetime | None = None
) -> Iterator[dict]:
    """One row per venue on the 清零 ledger (registered since or not): who runs it, its
    nature (民非/企业/个人), the elders it houses, whether it took large prepayments (as its
    rating found, with the county's thresholds) with the amount and payers, the target
    outcome (督促登记 / 责令退还资金, disposal's rule on the same findings) and where it stands.

    Whether the prepayments are large comes from ``risklists.selectors.rating_findings`` and
    the amounts from ``risklists.figures.derived_figures`` (``thresholds`` in force), for all
    the venues at once (a constant number of queries); the rest from one streamed query.
    """
    ledger = zeroing_ledger(user)
    if cutoff is not None:
        # On the ledger at the cut-off: entered by then, and (as then) an active venue, a
        # venue with a ledger entry, or a former venue.
        ledger = (
            Institution.objects.visible_to(user)
            .filter(recorded_by(cutoff))
            .alias(registration_then=registration_status_at(cutoff))
            .filter(
                (
                    Q(registration_then=RegistrationStatus.UNREGISTERED)
                    & active_at(cutoff, Institution)
                )
                | Q(
                    pk__in=ZeroingEntry.objects.filter(recorded_by(cutoff)).values("institution_id")
                )
                | (
                    Q(pk__in=former_venues(cutoff))
                    & ~Q(registration_then=RegistrationStatus.UNREGISTERED)
                )
            )
        )
    figures = derived_figures(ledger, thresholds=thresholds, today=today, prepayments_at=cutoff)
    found = rating_findings(ledger, cutoff=cutoff)
    still_venue = set(
        ledger.alias(registration_then=registration_status_at(cutoff))
        .filter(active_at(cutoff, Institution), registration_then=RegistrationStatus.UNREGISTERED)
        .values_list("pk", flat=True)
    )
    natures = _labels(VenueNature.choices)
    targets = _labels(TargetOutcome.choices)
    statuses = _labels(ZeroingStatus.choices)
    outcomes = _labels(Outcome.choices)
    # The ledger entry as it stood at the cut-off (its history), none if entered after it.
    entry = {
        f"entry_{name}": value_as_of(ZeroingEntry, name, cutoff, outer="zeroing__id")
        for name in ("status", "target_outcome", "outcome", "stable")
    }
    at = TownshipAt(cutoff)  # each venue in the township it belonged to then
    ledger, path = at.named(ledger)
    rows = ledger.order_by(path, "name", "pk").values(
        "pk",
        "name",
        "actual_address",
        "registered_address",
        "operator",
        "venue_nature",
        "residents",
        "township__name",
        "zeroing__created_at",
        *at.names,
        **entry,
    )
    for row in rows.iterator(chunk_size=chunk_size):
        at.rename(row)
        entered = row.pop("zeroing__created_at")
        if cutoff is not None and entered is not None and entered > cutoff:
            row.update(dict.fromkeys(entry))
        figure = figures.get(row["pk"])
        total = figure.large_prepayment_total if figure else 0
        large = found[row["pk"]].large_prepayment
        status = row["entry_status"] or ZeroingStatus.OPEN
        if status == ZeroingStatus.CROSSED_OFF and row["entry_target_outcome"]:
            target = row["entry_target_outcome"]  # as it stood when crossed off
        else:
            target = target_outcome(
                found[row["pk"]], residents=row["residents"], stable=row["entry_stable"]
            )
        state = statuses[status]
        if status == ZeroingStatus.CROSSED_OFF and row["entry_outcome"]:
            state = f"{state}（{outcomes[row['entry_outcome']]}）"
        row.update(
            address=row["actual_address"] or row["registered_address"],
            nature=natures.get(row["venue_nature"], ""),
            large_prepayment=large,
            # Found on a visit or the registry with no record yet: the amounts are unknown.
            large_prepayment_total=total if large and total else None,
            large_prepayment_payers=(figure.large_prepayment_payers or None)
            if large and total
            else None,
            target_outcome=targets[target],
            status=state,
            still_venue=row["pk"] in still_venue,
        )
        yield row


# --- 附件5 2019–2021年备案养老机构情况摸底表 --------------------------------------------------


def established_rows(
    user, first_year: int, last_year: int, chunk_size=CHUNK_SIZE, cutoff: datetime | None = None
) -> Iterator[dict]:
    """The institutions filed (备案) from ``first_year`` to ``last_year``: registered and
    filed at ``cutoff``, with a 备案日期 then in those years (not the date established, and
    not 已登记未备案 ones), by township and date filed; one streamed query."""
    forms = _labels(LegalForm.choices)
    ownerships = _labels(Ownership.choices)
    statuses = _labels(RegistrationStatus.choices)
    at = TownshipAt(cutoff)  # each institution in the township it belonged to then
    registry, path = at.named(Institution.objects.visible_to(user).as_of(cutoff))
    rows = (
        registry.alias(
            registration_then=registration_status_at(cutoff),
            filed_then=value_as_of(Institution, "filed_on", cutoff),
        )
        .filter(
            registration_then=RegistrationStatus.REGISTERED_FILED,
            filed_then__gte=date(first_year, 1, 1),
            filed_then__lte=date(last_year, 12, 31),
        )
        .order_by(path, "filed_then", "name", "pk")
        .values(
            "pk",
            "name",
            "credit_code",
            "legal_form",
            "ownership",
            "actual_address",
            "registered_address",
            "beds",
            "residents",
            "legal_representative",
            "principal",
            "established_on",
            "township__name",
            *at.names,
            filed_date=F("filed_then"),
            # As it stood at the cut-off, like the filter: a filing revoked since still
            # shows as filed in the pack of that week.
            registration=F("registration_then"),
        )
    )
    for row in rows.iterator(chunk_size=chunk_size):
        at.rename(row)
        row["registration_status"] = row.pop("registration")
        row.update(
            filed_on=row.pop("filed_date"),
            legal_form=forms.get(row["legal_form"], ""),
            ownership=ownerships.get(row["ownership"], ""),
            address=row["actual_address"] or row["registered_address"],
            filed=statuses.get(row["registration_status"], ""),
        )
        yield row
