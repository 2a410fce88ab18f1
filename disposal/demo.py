"""Disposal in the demo county: actions in every state, refunds, resettlement, assistance,
transfers and a 清零 ledger partly crossed off, on top of the demo registry.

Idempotent: an institution that already has a disposal case is left as it is, a venue
already crossed off stays so, and every other row is found by its natural key first. The
choices depend on the seed and the institutions' names only.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import Role, User
from institutions.models import Institution, LegalForm, RegistrationStatus, VenueNature
from institutions.validators import (
    CREDIT_CODE_CHARSET,
    credit_code_check_char,
    id_number_check_char,
)
from risklists import services as rating_services
from risklists.levels import Level
from risklists.models import PENDING_STATES, RatingState, ReviewState
from risklists.selectors import rating_findings
from screening.models import PrepaymentRecord, PrepaymentRefund
from screening.services.refunds import record_refund

from .levels import DOCUMENTED_TYPES, ActionType
from .models import (
    ActionStatus,
    Assistance,
    AssistanceKind,
    Authority,
    DestinationKind,
    DisposalAction,
    DisposalCase,
    InstitutionPlan,
    Outcome,
    Penalty,
    PenaltyGround,
    PenaltyKind,
    Resettlement,
    TargetOutcome,
    Transfer,
    ZeroingEntry,
    ZeroingStatus,
    expected_authority,
)
from .selectors.records import refund_totals
from .selectors.zeroing import target_outcome
from .services.actions import apply_level, flag_overdue_actions, mark_key_case, update_action
from .services.penalties import propose_penalty, record_penalty
from .services.records import save_plan, save_record
from .services.zeroing import Registration, assign_zeroing, cross_off

SEED = 20220107
# Why the county crosses off a venue whose elders are still owed money (kept only then).
OWED_TRANSFERRED = "老年人未退还的预付费已随案移交，由承办部门依法追缴后退还。"
OWED_CLOSED = "场所已关停，老年人退费诉求已移交县公安局经侦大队依法追缴。"
ELDERS = ["王秀英", "李桂兰", "张德明", "刘淑珍", "陈建国", "杨玉兰", "赵春梅", "周国华"]
PLAN_TEXT = (
    "一、约谈主要负责人，责令其停止收取预付费并书面承诺。\n"
    "二、逐一核对预付费老人名单，制定退费计划，每周跟踪退费进度。\n"
    "三、联合市场监管、公安等部门开展联合检查，必要时依法关停。\n"
    "四、对需要安置的老年人协调就近养老机构妥善安置，困难老年人及时纳入救助。"
)


def demo_id_number(first16: str, serial: int) -> str:
    """A well-formed (GB 11643) ID number for a made-up person."""
    first17 = f"{first16}{serial}"
    return first17 + id_number_check_char(first17)


@dataclass
class DisposalDemoSummary:
    cases: int = 0
    actions: int = 0
    crossed_off: int = 0


class DisposalDemo:
    def __init__(self, rng_seed: int = SEED, today: date | None = None):
        self.seed = rng_seed
        self.today = today or timezone.localdate()
        self.summary = DisposalDemoSummary()

    def rng(self, *key) -> random.Random:
        """A generator per row, so that a choice never depends on what else exists."""
        return random.Random(f"{self.seed}:" + ":".join(str(k) for k in key))

    # --- the whole ---------------------------------------------------------------
    @transaction.atomic
    def build(self, levels: dict[int, str] | None = None) -> DisposalDemoSummary:
        """``levels``: the levels the county approved (the rating demo's); the approvals
        already applied them, so only the follow-up is added here. Without it, a handful of
        institutions per level is chosen and applied directly."""
        self.county_user = User.objects.filter(username="county").first()
        if self.county_user is None:
            return self.summary  # no demo county
        self.staff = {
            u.unit_id: u
            for u in User.objects.filter(role=Role.TOWNSHIP_STAFF, unit__isnull=False).order_by(
                "pk"
            )
        }
        registry = list(
            Institution.objects.filter(archived_at__isnull=True)
            .select_related("township")
            .order_by("township__code", "name")
        )
        from_ratings = levels is not None
        if levels is None:
            levels = self.choose_levels(registry)
        else:
            levels = {**levels, **self.review_registered()}
        by_pk = {i.pk: i for i in registry}
        for pk, level in sorted(levels.items()):
            if pk in by_pk:
                self.rate(by_pk[pk], level)
        if not from_ratings:
            self.lower_one(levels, by_pk)
        flag_overdue_actions(today=self.today)
        self.people_support(levels, by_pk)
        self.penalties(levels, by_pk)
        self.zeroing(registry)
        self.key_cases()
        self.summary.actions = DisposalAction.objects.count()
        return self.summary

    def choose_levels(self, registry) -> dict[int, str]:
        """A handful per level: registered institutions of every colour, and the venues the
        rules put on orange (no large prepayment) or red (large prepayments). Ranked by a
        hash of the name, so a venue registered by the demo does not change the choice."""
        on_ledger = set(ZeroingEntry.objects.values_list("institution_id", flat=True))
        venues = [i for i in registry if i.is_venue or i.pk in on_ledger]
        registered = [i for i in registry if not (i.is_venue or i.pk in on_ledger)]
        registered.sort(key=lambda i: self.rng("level", i.name).random())
        plan = [Level.GREEN] * 4 + [Level.YELLOW] * 4 + [Level.ORANGE] * 3 + [Level.RED] * 3
        levels = {i.pk: level for i, level in zip(registered, plan, strict=False)}
        venues.sort(key=lambda i: self.rng("venue-level", i.name).random())
        for venue in venues[:4]:
            levels[venue.pk] = Level.RED if venue.collects_large_prepayment else Level.ORANGE
        return levels

    def review_registered(self) -> dict[int, str]:
        """The venue that registered (``register_demo_venue``) has a follow-up check on a
        green case until the county approves a level; its first rating as an institution
        may still wait in the review. The township submits it and the county approves it,
        so that its board follows an approved level like every other institution's."""
        registered = ZeroingEntry.objects.filter(outcome=Outcome.REGISTERED)
        states = RatingState.objects.filter(
            institution__in=registered.values("institution"), current__isnull=True
        ).select_related("proposal", "institution")
        approved = {}
        for state in states.order_by("institution__name"):
            proposal, staff = state.proposal, self.staff.get(state.institution.township_id)
            if proposal is None or staff is None or proposal.state not in PENDING_STATES:
                continue
            if proposal.state in (ReviewState.PROPOSED, ReviewState.RETURNED):
                rating_services.submit(user=staff, assessment=proposal)
            rating_services.approve(user=self.county_user, assessment=proposal)
            state.refresh_from_db()
            approved[state.institution_id] = state.approved_level
        return approved

    # --- actions -----------------------------------------------------------------
    def rate(self, institution, level):
        case = DisposalCase.objects.filter(institution=institution).first()
        if case is None:
            rng = self.rng("rate", institution.name)
            approved_on = self.today - timedelta(days=rng.randint(2, 45))
            apply_level(
                institution,
                level,
                user=self.county_user,
                today=approved_on,
                illegal_fundraising=level == Level.RED and rng.random() < 0.5,
                crime_suspected=level == Level.RED and rng.random() < 0.5,
            )
            self.summary.cases += 1
        else:
            approved_on = case.level_applied_on
        staff = self.staff.get(institution.township_id)
        # Only actions nobody has touched since the approval created them: a second run
        # (or a user's own follow-up) is left as it is.
        touched = set(
            DisposalAction.history.filter(institution_id=institution.pk, history_type="~")
            .values_list("id", flat=True)
            .distinct()
        )
        for action in DisposalAction.objects.filter(institution=institution).order_by("pk"):
            if action.pk not in touched:
                self.follow(action, staff, approved_on)

    def follow(self, action, staff, approved_on):
        """Move an action on as a township would: some done, some in progress, some open."""
        rng = self.rng("follow", action.institution.name, action.action_type)
        draw = rng.random()
        if rng.random() < 0.85 and staff is not None:
            action.responsible_user = staff
        if draw < 0.4:
            action.status = ActionStatus.DONE
            # Counted from when the action was required: some come after the approval (the
            # follow-up check of a venue that registered).
            since = max(approved_on, action.required_on)
            carried_out = min(self.today, since + timedelta(days=rng.randint(0, 6)))
            action.completed_on = carried_out
            if action.action_type in DOCUMENTED_TYPES:
                action.carried_out_on = carried_out
                action.document_number = f"衡民处〔{carried_out.year}〕{rng.randint(1, 99)}号"
            action.notes = "已按要求落实。"
        elif draw < 0.7:
            action.status = ActionStatus.IN_PROGRESS
            action.notes = "正在落实，已与负责人联系。"
        if (
            action.status == ActionStatus.DONE
            and action.action_type == ActionType.URGE_REFUND
            and refund_totals([action.institution_id])[action.institution_id].outstanding > 0
        ):
            # Urging refunds is done once the elders are paid back.
            action.status, action.completed_on = ActionStatus.IN_PROGRESS, None
            action.carried_out_on, action.document_number = None, ""
            action.notes = "正在督促清退资金，尚有老年人未退还。"
        update_action(
            user=action.responsible_user or self.county_user, action=action, today=self.today
        )

    def lower_one(self, levels, by_pk):
        """One orange institution re-rated yellow: its orange actions wait for a decision."""
        oranges = [
            pk
            for pk, level in sorted(levels.items())
            if level == Level.ORANGE and pk in by_pk and not by_pk[pk].is_venue
        ]
        if not oranges:
            return
        institution = by_pk[oranges[0]]
        case = DisposalCase.objects.get(institution=institution)
        if case.level != Level.ORANGE:
            return
        apply_level(
            institution, Level.YELLOW, user=self.county_user, today=self.today - timedelta(days=1)
        )
        flag_overdue_actions(today=self.today)

    # --- 攻坚行动: key cases and leads, a major lead --------------------------------
    def key_cases(self):
        """The county marks its red cases with suspected crimes 重点 (区县方案 二(二)五), and
        the leads about them; one township reports a lead as major (衡山县 §二.二)."""
        from screening.models import Lead, LeadStatus
        from screening.services.leads import mark_key_lead, save_lead

        reds = DisposalCase.objects.filter(level=Level.RED).select_related("institution")
        for case in reds.order_by("institution__name")[:3]:
            if not case.is_key:
                mark_key_case(
                    user=self.county_user,
                    institution=case.institution,
                    is_key=True,
                    reason="涉嫌非法集资，纳入攻坚行动，一院一策逐一化解。",
                )
        serious = DisposalCase.objects.filter(level__in=[Level.RED, Level.ORANGE])
        leads = Lead.objects.filter(institution__in=serious.values("institution")).order_by("pk")
        if not leads.filter(is_key=True).exists():
            for lead in leads[:2]:
                mark_key_lead(user=self.county_user, lead=lead, is_key=True)
        if not Lead.objects.filter(is_major=True).exists():
            lead = (
                Lead.objects.filter(status__in=[LeadStatus.RECEIVED, LeadStatus.VERIFIED])
                .select_related("unit", "institution")
                .order_by("pk")
                .first()
            )
            staff = self.staff.get(lead.unit_id) if lead else None
            if lead is not None and staff is not None:
                lead.is_major = True
                save_lead(user=staff, lead=lead)

    # --- refunds, resettlement, assistance, transfers, plans ----------------------
    def people_support(self, levels, by_pk):
        serious = [
            by_pk[pk]
            for pk, level in sorted(levels.items())
            if level in (Level.RED, Level.ORANGE) and pk in by_pk
        ]
        for index, institution in enumerate(serious):
            self.refunds(institution)
            if not InstitutionPlan.objects.filter(institution=institution).exists():
                save_plan(user=self.county_user, institution=institution, text=PLAN_TEXT)
            if levels[institution.pk] == Level.RED and index % 2 == 0:
                self.resettle(institution)
        reds = [i for i in serious if levels[i.pk] == Level.RED and not i.is_venue]
        if reds and not Transfer.objects.filter(institution=reds[0]).exists():
            save_record(
                user=self.county_user,
                record=Transfer(
                    institution=reds[0],
                    authority=Authority.POLICE,
                    receiving_unit="衡山县公安局经侦大队",
                    transferred_on=self.today - timedelta(days=5),
                    document_number="衡民移〔2026〕1号",
                    reason="涉嫌以承诺回报方式非法吸收公众存款。",
                ),
            )

    def penalties(self, levels, by_pk):
        """区县方案 二(三)四: the red institution transferred to the police was fined by market
        regulation, and its operator sentenced; the county proposed the operator for the
        joint-punishment list. Found by document number first: a second run adds nothing."""
        reds = [
            by_pk[pk]
            for pk, level in sorted(levels.items())
            if level == Level.RED and pk in by_pk and not by_pk[pk].is_venue
        ]
        if not reds:
            return
        institution = reds[0]
        staff = self.staff.get(institution.township_id) or self.county_user
        decisions = [
            Penalty(
                institution=institution,
                kind=PenaltyKind.ADMINISTRATIVE,
                ground=PenaltyGround.ILLEGAL_FUNDRAISING,
                authority="衡山县市场监督管理局",
                document_number="衡市监罚〔2026〕12号",
                decided_on=self.today - timedelta(days=4),
                summary="以办理会员卡、承诺高额返利为名向老年人收取预付费，责令停止违法行为，"
                "没收违法所得并处罚款20万元。",
            ),
            Penalty(
                institution=institution,
                person_name="周建军",
                person_id_number=demo_id_number("4304231971051701", 3),
                person_post="法定代表人",
                kind=PenaltyKind.CRIMINAL,
                ground=PenaltyGround.DECEPTION,
                authority="衡山县人民法院",
                document_number="（2026）湘0423刑初58号",
                decided_on=self.today - timedelta(days=2),
                summary="以养老服务为名骗取老年人财物，犯诈骗罪，判处有期徒刑三年，并处罚金。",
            ),
        ]
        for penalty in decisions:
            if Penalty.objects.filter(
                institution=institution, document_number=penalty.document_number
            ).exists():
                continue
            recorded = record_penalty(user=staff, penalty=penalty, today=self.today)
            if recorded.is_person:
                propose_penalty(
                    user=self.county_user,
                    penalty=recorded,
                    note="报县局审定后提请纳入养老服务市场失信联合惩戒对象名单。",
                    today=self.today,
                )

    def refunds(self, institution):
        """Refunds paid against the elders' prepayment records (the one refund ledger): some
        in full, some in part, some not yet. A record already refunded is left as it is."""
        records = PrepaymentRecord.objects.filter(
            institution=institution, refunded_amount__lt=F("amount")
        ).exclude(pk__in=PrepaymentRefund.objects.values("prepayment_id"))
        for record in records.order_by("paid_on", "pk"):
            rng = self.rng("refund", institution.name, record.payer_key, record.kind)
            share = rng.choice([0, 0, Decimal("0.5"), 1])
            amount = ((record.amount - record.refunded_amount) * Decimal(share)).quantize(
                Decimal("0.01")
            )
            if amount > 0:
                record_refund(
                    user=self.county_user,
                    prepayment=record,
                    amount=amount,
                    refunded_on=max(record.paid_on, self.today - timedelta(days=3)),
                    today=self.today,
                )

    def resettle(self, institution):
        # Every draw is made up front, so that a row already there changes no later choice.
        rng = self.rng("resettle", institution.name)
        names = rng.sample(ELDERS, 3)
        days = [rng.randint(1, 10) for _name in names]
        kind = rng.choice(list(AssistanceKind))
        for name, day in zip(names[:2], days, strict=False):
            if Resettlement.objects.filter(institution=institution, elder_name=name).exists():
                continue
            save_record(
                user=self.county_user,
                record=Resettlement(
                    institution=institution,
                    elder_name=name,
                    destination_kind=DestinationKind.INSTITUTION,
                    destination=f"{institution.township.name}敬老院",
                    resettled_on=self.today - timedelta(days=day),
                ),
            )
        if not Assistance.objects.filter(institution=institution, elder_name=names[2]).exists():
            save_record(
                user=self.county_user,
                record=Assistance(
                    institution=institution,
                    elder_name=names[2],
                    kind=kind,
                    granted_on=self.today - timedelta(days=2),
                    amount=Decimal("1500"),
                ),
            )

    # --- 清零 ---------------------------------------------------------------------
    def zeroing(self, registry):
        """Most venues get a person in charge; about a third are crossed off."""
        on_ledger = set(ZeroingEntry.objects.values_list("institution_id", flat=True))
        venues = [i for i in registry if i.is_venue or i.pk in on_ledger]
        entries = {e.institution_id: e for e in ZeroingEntry.objects.filter(institution__in=venues)}
        for venue in venues:
            entry = entries.get(venue.pk)
            if entry is not None and entry.status == ZeroingStatus.CROSSED_OFF:
                continue
            rng = self.rng("zeroing", venue.name)
            assign, cross = rng.random() < 0.75, rng.random() < 0.35
            staff = self.staff.get(venue.township_id)
            if entry is None and staff is not None and assign:
                assign_zeroing(user=self.county_user, institution=venue, responsible_user=staff)
            if cross:
                self.cross_off(venue, rng)

    def register(self, venue, rng) -> bool:
        """督促登记 reached: the venue registers and becomes an institution (history kept)."""
        body = "52430423" + "".join(rng.choices(CREDIT_CODE_CHARSET, k=9))
        code = body + credit_code_check_char(body)
        if Institution.objects.filter(credit_code=code).exists():
            return False
        cross_off(
            user=self.county_user,
            institution=venue,
            outcome=Outcome.REGISTERED,
            registration=Registration(
                credit_code=code,
                registration_status=RegistrationStatus.REGISTERED_NOT_FILED,
                legal_form=LegalForm.SOCIAL_SERVICE
                if venue.venue_nature != VenueNature.ENTERPRISE
                else LegalForm.ENTERPRISE,
                registration_authority="衡山县民政局",
            ),
            today=self.today,
        )
        return True

    def cross_off(self, venue, rng):
        """Closed, banned or transferred (registration is ``register_demo_venue``'s)."""
        user = self.county_user
        when = self.today - timedelta(days=rng.randint(1, 30))
        choice = rng.randint(0, 3)
        if choice == 1 and venue.venue_nature in (
            VenueNature.ENTERPRISE,
            VenueNature.SOCIAL_SERVICE,
        ):
            if not Transfer.objects.filter(institution=venue).exists():
                authority = expected_authority(venue)
                save_record(
                    user=user,
                    record=Transfer(
                        institution=venue,
                        authority=authority,
                        receiving_unit="衡山县市场监督管理局"
                        if authority == Authority.MARKET_REGULATION
                        else "衡山县民政局社会组织管理股",
                        transferred_on=when,
                        reason="未经登记收住老年人，按场所性质移交处置。",
                    ),
                )
            cross_off(
                user=user,
                institution=venue,
                outcome=Outcome.TRANSFERRED,
                owed_reason=OWED_TRANSFERRED,
                today=self.today,
            )
        else:
            outcome = Outcome.BANNED if choice == 2 else Outcome.CLOSED
            cross_off(
                user=user,
                institution=venue,
                outcome=outcome,
                outcome_on=when,
                owed_reason=OWED_CLOSED,
                today=self.today,
            )
        self.summary.crossed_off += 1


def register_demo_venue(rng_seed: int = SEED, today: date | None = None) -> bool:
    """One venue reaches 督促登记 and becomes an institution, before the ratings are made
    (so its rating is made and reviewed like every other): the ledger then shows every kind
    of 销号, and the follow-up check after registration (衡山县 §一.三 加强后续跟踪检查) has a
    row. Does nothing once a venue was registered."""
    demo = DisposalDemo(rng_seed, today)
    demo.county_user = User.objects.filter(username="county").first()
    if demo.county_user is None or ZeroingEntry.objects.filter(outcome=Outcome.REGISTERED):
        return False
    # By the townships' division codes, not their paths: a path holds primary keys, whose
    # text order changes with the database's sequences (PostgreSQL keeps them across tests).
    venues = list(Institution.objects.venues().active().order_by("township__code", "name"))
    found = rating_findings(venues)
    for venue in venues:
        if target_outcome(found[venue.pk], residents=venue.residents) == TargetOutcome.REGISTER:
            return demo.register(venue, demo.rng("register", venue.name))
    return False


def build_disposal_demo(
    rng_seed: int = SEED, *, levels: dict[int, str] | None = None, today: date | None = None
) -> DisposalDemoSummary:
    """Disposal rows for the demo county (run after the registry, screening and ratings).

    ``levels`` maps institution ids to the levels the county approved (e.g. from the
    rating's demo); without it a handful of institutions per level is chosen here.
    """
    return DisposalDemo(rng_seed, today).build(levels)
