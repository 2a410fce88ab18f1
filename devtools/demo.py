"""A realistic demo county (衡阳市衡山县), generated from a fixed seed: each app builds its own
part through its own services, in the order the data flows.

accounts (units and users) → institutions (the registry) → screening (the records) →
risklists (ratings reviewed as a county reviews them) → disposal → reporting. Every part
finds its rows by their natural key before creating them, so loading twice changes
nothing; each draws from its own generator seeded from the one ``seed``.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.apps import apps
from django.db import transaction
from django.utils import timezone

from accounts.demo import SEED, build_accounts_demo
from disposal.demo import build_disposal_demo, register_demo_venue
from disposal.models import DisposalCase
from institutions.demo import build_registry_demo
from institutions.models import Institution
from reporting.demo import build_demo_pack, build_reporting_demo
from reporting.models import WorkingGroupMember
from risklists.demo import build_rating_demo
from screening.demo import build_screening_demo, build_spot_check_demo
from screening.selectors.four_looks import campaign_start


@dataclass
class DemoSummary:
    units: int = 0
    users: int = 0
    institutions: int = 0
    screening_rows: int = 0
    approved_ratings: int = 0


class DemoBuilder:
    def __init__(self, seed: int = SEED, today: date | None = None):
        self.seed = seed
        self.today = today or timezone.localdate()
        self.summary = DemoSummary()

    @transaction.atomic
    def build(self) -> DemoSummary:
        seed, today = self.seed, self.today
        county = build_accounts_demo(seed)
        self.summary.units, self.summary.users = county.units, county.users
        # The new institutions and venues appear after the campaign began: the "四看" review
        # must find them.
        registry = build_registry_demo(
            county, new_since=campaign_start(today), seed=seed, today=today
        )
        self.summary.institutions = registry.created
        self.summary.screening_rows = build_screening_demo(county, registry, seed=seed, today=today)
        # The rating, then disposal, are made as a county makes them: the engine rates, the
        # townships submit, the county approves (which creates the disposal actions). The
        # venue that registers does so first, so that its rating is made like every other.
        register_demo_venue(seed, today=today)
        ratings = build_rating_demo(seed, today=today)
        self.summary.approved_ratings = ratings.approved
        build_disposal_demo(seed, levels=ratings.levels, today=today)
        build_reporting_demo(today=today, pack=False)
        # The spot check draws among the listed institutions: after the ratings.
        build_spot_check_demo(county)
        settle_recorded_times(campaign_start(today))
        build_demo_pack(today=today)
        return self.summary


# When each kind of record was entered, as a county would have entered it: on the day it
# tells of (a visit on its visit day, a refund on the day it was paid…). The demo is written
# in one go today; without this, every record would have been "entered today" and the packs
# of the campaign's past weeks, read as of their deadlines, would be empty.
ENTERED_ON = {
    "screening.ScreeningVisit": "visited_on",
    "screening.PrepaymentRecord": "paid_on",
    "screening.PrepaymentRefund": "refunded_on",
    "screening.Lead": "received_on",
    "screening.OfficialCount": "as_of",
    "reporting.PublicityActivity": "held_on",
    "disposal.DisposalCase": "level_applied_on",
    "disposal.DisposalAction": "required_on",
    "disposal.Transfer": "transferred_on",
    "disposal.Resettlement": "resettled_on",
    "disposal.Assistance": "granted_on",
}
# Entered with the case of their institution (its level applied).
ENTERED_WITH_CASE = ("disposal.InstitutionPlan", "disposal.ZeroingEntry")
ENTRY_HOUR = 9


def settle_recorded_times(since: date) -> int:
    """Date the demo's records as entered on the day they tell of (``ENTERED_ON``), the
    registry before the campaign (or when a new one was found), and their history rows no
    later than that: what a county that had used the system all along would have. Only
    moves times back; returns the rows moved."""
    tz = timezone.get_default_timezone()

    def moment(day: date) -> datetime:
        return datetime.combine(day, time(ENTRY_HOUR), tzinfo=tz)

    moved = 0
    before = moment(since - timedelta(days=1))
    institutions = list(Institution.objects.only("pk", "created_at", "found_on", "established_on"))
    entered: dict[int, datetime] = {}
    for institution in institutions:
        day = institution.found_on or institution.established_on
        when = moment(day) if day and day >= since else before
        entered[institution.pk] = min(institution.created_at, when)
    moved += _settle(Institution, {i.pk: entered[i.pk] for i in institutions})

    cases = dict(DisposalCase.objects.values_list("institution_id", "level_applied_on"))
    for label, field in ENTERED_ON.items():
        model = apps.get_model(label)
        rows = model.objects.values_list("pk", field)
        moved += _settle(model, {pk: moment(day) for pk, day in rows if day})
    for label in ENTERED_WITH_CASE:
        model = apps.get_model(label)
        rows = model.objects.values_list("pk", "institution_id")
        moved += _settle(model, {pk: moment(cases[i]) for pk, i in rows if i in cases})
    moved += _settle(
        WorkingGroupMember,
        dict.fromkeys(WorkingGroupMember.objects.values_list("pk", flat=True), before),
    )
    return moved


def _settle(model, when: dict[int, datetime]) -> int:
    """Move ``created_at`` of ``model``'s rows back to ``when`` (never forward), and their
    history rows' dates no later than that."""
    rows = list(model.objects.filter(pk__in=list(when)).only("pk", "created_at"))
    changed = []
    for row in rows:
        if row.created_at > when[row.pk]:
            row.created_at = when[row.pk]
            changed.append(row)
    model.objects.bulk_update(changed, ["created_at"], batch_size=500)
    history = getattr(model, "history", None)
    if history is not None and changed:
        later = list(
            history.filter(id__in=[row.pk for row in changed]).only(
                "history_id", "id", "history_date"
            )
        )
        dated = {row.pk: row.created_at for row in changed}
        for entry in later:
            if entry.history_date > dated[entry.id]:
                entry.history_date = dated[entry.id]
        history.model.objects.bulk_update(later, ["history_date"], batch_size=500)
    return len(changed)
