"""Ratings in the demo county, made the way a county makes them.

The engine rates every institution (as the nightly run does); township staff submit most
proposals and the county section approves most of those over the last weeks, so that the
list, the review queue, "changes since last week" and — through the approval signal —
disposal all have rows. One orange institution is then lowered to yellow with a written
reason, so that its orange actions wait for a person's decision.

Idempotent: a second run rates nothing new (the data did not change) and touches only
proposals still waiting, which the first run already decided. Choices depend on the seed and
the institutions' names only.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from accounts.models import Role, User
from institutions.models import Institution, RegistrationStatus

from . import services
from .levels import Level
from .models import RatingState, ReviewState
from .tasks import rate_in_chunks

SEED = 20220107
LOWERING_REASON = "经复核，机构已按要求整改，预付费已按计划清退，风险等级调整为黄色，继续跟踪。"


@dataclass
class RatingDemoSummary:
    rated: int = 0
    approved: int = 0
    levels: dict[int, str] = field(default_factory=dict)  # institution id → approved level


class RatingDemo:
    def __init__(self, seed: int = SEED, today: date | None = None):
        self.seed = seed
        self.today = today or timezone.localdate()
        self.summary = RatingDemoSummary()

    def rng(self, *key) -> random.Random:
        return random.Random(f"{self.seed}:" + ":".join(str(k) for k in key))

    def moment(self, days_ago: int, hour: int) -> datetime:
        day = self.today - timedelta(days=days_ago)
        return datetime.combine(day, time(hour, 0), tzinfo=timezone.get_current_timezone())

    def build(self) -> RatingDemoSummary:
        county = User.objects.filter(username="county").first()
        if county is None:
            return self.summary  # no demo county
        staff = {
            u.unit_id: u
            for u in User.objects.filter(role=Role.TOWNSHIP_STAFF, unit__isnull=False).order_by(
                "pk"
            )
        }
        self.summary.rated = rate_in_chunks(Institution.objects.active(), today=self.today)["rated"]
        states = (
            RatingState.objects.select_related("proposal", "institution")
            .filter(institution__archived_at__isnull=True)
            .order_by("institution__township__code", "institution__name")
        )
        for state in states:
            proposal = state.proposal
            if proposal is None or proposal.state != ReviewState.PROPOSED:
                continue
            self.decide(proposal, staff.get(state.institution.township_id), county)
        self.lower_one(county)
        self.summary.levels = dict(
            RatingState.objects.filter(current__isnull=False).values_list(
                "institution_id", "approved_level"
            )
        )
        return self.summary

    def decide(self, proposal, township_user, county):
        """Most proposals go through; some wait for the county, one in twenty comes back."""
        rng = self.rng("decide", proposal.institution.name)
        draw = rng.random()
        days_ago = rng.randint(1, 40)
        if township_user is None or draw < 0.12:
            return  # still proposed: the township has not looked at it yet
        services.submit(user=township_user, assessment=proposal, now=self.moment(days_ago + 1, 10))
        if draw < 0.22:
            return  # submitted, waiting in the county's review queue
        if draw < 0.27:
            services.return_for_revision(
                user=county,
                assessment=proposal,
                reason="请补充预付费资金使用情况的证明材料后重新提交。",
                now=self.moment(days_ago, 15),
            )
            return
        services.approve(user=county, assessment=proposal, now=self.moment(days_ago, 16))
        self.summary.approved += 1

    def lower_one(self, county):
        """The county lowers one approved orange institution to yellow, saying why."""
        state = (
            RatingState.objects.select_related("current", "proposal")
            .filter(
                approved_level=Level.ORANGE,
                current__isnull=False,
                institution__registration_status__in=[
                    RegistrationStatus.REGISTERED_FILED,
                    RegistrationStatus.REGISTERED_NOT_FILED,
                ],
            )
            .order_by("institution__name")
            .first()
        )
        already = RatingState.objects.filter(current__override_reason=LOWERING_REASON).exists()
        if state is None or already or state.proposal_id != state.current_id:
            return
        services.lower_level(
            user=county,
            assessment=state.current,
            level=Level.YELLOW,
            reason=LOWERING_REASON,
            now=self.moment(1, 11),
        )


def build_rating_demo(seed: int = SEED, today: date | None = None) -> RatingDemoSummary:
    return RatingDemo(seed, today).build()
