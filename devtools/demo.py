"""A realistic demo county (衡阳市衡山县), generated from a fixed seed: each app builds its own
part through its own services, in the order the data flows.

accounts (units and users) → institutions (the registry) → screening (the records) →
risklists (ratings reviewed as a county reviews them) → disposal → reporting. Every part
finds its rows by their natural key before creating them, so loading twice changes
nothing; each draws from its own generator seeded from the one ``seed``.
"""

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils import timezone

from accounts.demo import SEED, build_accounts_demo
from disposal.demo import build_disposal_demo, register_demo_venue
from institutions.demo import build_registry_demo
from reporting.demo import build_reporting_demo
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
        build_reporting_demo(today=today)
        # The spot check draws among the listed institutions: after the ratings.
        build_spot_check_demo(county)
        return self.summary
