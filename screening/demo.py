"""The screening records of the demo county: persons and their roles, prepayments, visits
with their interviews, branches, registration changes, related companies, finances,
outside records, leads and the "四看" figures, such that every rule of the rating fires for
at least one institution; complaints and leads in each state of their verification (甄别),
and one finding the county section has resolved; and, once the ratings are made, one
spot-check draw.

Built on the units and users of ``accounts.demo`` and the registry of ``institutions.demo``.
Each model's rows are generated from the seed first, then only those whose natural key is
not in the database are written, so a second run creates nothing. Dates are relative to
today and are never part of a natural key.
"""

import io
import random
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from openpyxl import Workbook

from accounts.demo import SEED, DemoCounty, demo_phone
from accounts.models import OrgUnit
from core.clock import months_before
from institutions.demo import (
    INSTITUTION_STEMS,
    VENUE_KINDS,
    DemoRegistry,
    demo_credit_code,
    person_name,
)
from institutions.validators import id_number_check_char

from .models import (
    BlacklistKind,
    Branch,
    CampaignRound,
    ChangeKind,
    Complaint,
    FinancialSnapshot,
    FundUse,
    ImportBatch,
    ImportKind,
    ImportStatus,
    Lead,
    LeadChannel,
    LeadStatus,
    OfficialCount,
    Person,
    PersonRole,
    PersonRoleKind,
    PrepaymentKind,
    PrepaymentRecord,
    RegistrationChange,
    RelatedCompany,
    ResidentInterview,
    ScreeningRound,
    ScreeningVisit,
    SharedListEntry,
    SharedListSource,
    SpotCheckDraw,
    StandingFact,
    Verification,
    VisitMethod,
    VisitStatus,
    YesNoUnknown,
)
from .models.people import normalise_name
from .selectors.findings import standing_findings
from .selectors.four_looks import campaign_start
from .services.findings import resolve_finding
from .services.four_looks import CandidateOutcome, save_official_count, verify_candidate
from .services.importing.service import apply_batch, spec_for, stage_import
from .services.leads import (
    feed_back_lead,
    find_lead_groundless,
    handle_lead,
    report_lead_to_county,
    save_lead,
    verify_lead,
)
from .services.outside import verify_complaint
from .services.records import add_person_role, record_registration_change, save_record
from .services.refunds import record_refund
from .services.rounds import save_campaign_rounds
from .services.spot_checks import draw_spot_check
from .services.visits import save_visit

ID_REGIONS = ["430423", "430421", "430481", "430406", "430408"]
MARKETING = [
    "社区张贴宣传单，开展健康讲座",
    "入住老人介绍新老人，赠送生活用品",
    "免费体检、赠送鸡蛋，邀请老人参观",
    "微信群、短视频推广",
    "口碑介绍，未见主动营销",
]
CHARGING = [
    "按月收取床位费、护理费、伙食费",
    "入住收取押金，费用按月结算",
    "办理会员卡，预存费用抵扣服务费",
    "一次性预交一年床位费享受九折",
]
COMPANIONS = ["村（社区）干部", "网格员", "县民政局养老股", "派出所民警", ""]
BRANCH_NAMES = ["城南服务网点", "东湖分院", "长江助餐点", "湘江服务站", "南岳康养点"]
COMPANY_SUFFIX = ["健康管理有限公司", "养老服务有限公司", "康养产业有限公司"]


# The lead of ``ScreeningDemo.leads``'s plan (its position) the township found groundless
# after handling it (查无实据): it no longer counts as a complaint.
GROUNDLESS_LEAD = 12


class ScreeningDemo:
    """Each record is written as it is entered in the product, through the screening
    services: an institution's records, persons, visits and leads by its township's staff,
    the outside lists by the county section's import, the counts and round windows by the
    county section. The history of every row names who entered it."""

    def __init__(
        self,
        county: DemoCounty,
        registry: DemoRegistry,
        seed: int = SEED,
        today: date | None = None,
    ):
        self.rng = random.Random(f"{seed}:screening")
        self.today = today or timezone.localdate()
        self.campaign = campaign_start(self.today)
        self.county = county.county
        self.townships = [t for t, _ in county.townships]
        self.staff = county.staff
        self.county_user = county.county_user
        self.registry = list(registry.institutions)
        self.venue_pks = registry.venue_pks
        self.created = 0
        self.used_ids: set[str] = set()

    # --- helpers -------------------------------------------------------------------------
    def person(self) -> str:
        return person_name(self.rng)

    def phone(self) -> str:
        return demo_phone(self.rng)

    def credit_code(self, prefix: str) -> str:
        return demo_credit_code(self.rng, prefix)

    def ago(self, days=0, months=0) -> date:
        return months_before(self.today, months) - timedelta(days=days)

    def in_campaign(self, low: float, high: float) -> date:
        span = (self.today - self.campaign).days
        return self.campaign + timedelta(days=int(span * self.rng.uniform(low, high)))

    def id_number(self, born_from=1930, born_to=1960) -> str:
        while True:
            born = date(self.rng.randint(born_from, born_to), 1, 1) + timedelta(
                days=self.rng.randint(0, 364)
            )
            first17 = (
                self.rng.choice(ID_REGIONS)
                + born.strftime("%Y%m%d")
                + f"{self.rng.randint(1, 999):03d}"
            )
            number = first17 + id_number_check_char(first17)
            if number not in self.used_ids:
                self.used_ids.add(number)
                return number

    def unique_names(self, n) -> list[str]:
        names: list[str] = []
        while len(names) < n:
            name = self.person()
            if name not in names:
                names.append(name)
        return names

    def write_new(self, rows, model, fields, save) -> set[tuple]:
        """Write through ``save`` each row whose natural key (``fields``) is not stored yet;
        return the keys written now."""
        stored = set(model._default_manager.values_list(*fields))
        written = set()
        for row in rows:
            key = tuple(getattr(row, f) for f in fields)
            if key in stored or key in written:
                continue
            save(row)
            written.add(key)
        self.created += len(written)
        return written

    def staff_of(self, institution):
        return self.staff[institution.township_id]

    def was_venue(self, institution) -> bool:
        """Created as a venue by the demo: a venue the demo registers later (清零·督促登记)
        keeps its screening records, so a second load must see it as it was."""
        return institution.pk in self.venue_pks

    # --- the whole -----------------------------------------------------------------------
    @transaction.atomic
    def build(self) -> int:
        registered = [i for i in self.registry if not self.was_venue(i)]
        self.venues = [i for i in self.registry if self.was_venue(i)]
        self.new_ones = {
            i.pk
            for i in self.registry
            if (i.established_on and i.established_on >= self.campaign)
            or (i.found_on and i.found_on >= self.campaign)
        }
        by_township = defaultdict(list)
        for institution in registered:
            by_township[institution.township_id].append(institution)

        def pick(township_index, position):
            return by_township[self.townships[township_index].pk][position]

        show = {
            "Y1": pick(0, 1),
            "Y2": pick(1, 1),
            "Y3": pick(2, 1),
            "Y3_address": pick(3, 1),
            "Y4": pick(4, 1),
            "Y5": pick(5, 1),
            "O1": pick(6, 1),
            "O2": pick(7, 1),
            "O3": pick(8, 1),
            "O4": pick(9, 1),
            # Funds whose use the visits could not establish (不明): V1 待核实.
            "V1_unknown": pick(10, 1),
            "R2_returns": pick(11, 1),
            "R2_crime": pick(0, 2),
            "R3": pick(1, 2),
            "R4": pick(2, 2),
            "R5": pick(3, 2),
        }
        taken = {i.pk for i in show.values()} | self.new_ones
        show["O5"] = min(
            (i for i in registered if i.pk not in taken and i.beds),
            key=lambda i: (i.beds, self.registry.index(i)),
        )
        self.show = show
        self.registered = [i for i in registered if i.pk not in self.new_ones]
        # One institution whose 重大舆情 the county section has since resolved (the finding
        # stays found until then): chosen without drawing from the seed, so that everything
        # else the seed gives stays the same.
        rest = [
            i
            for i in by_township[self.townships[5].pk]
            if i.pk not in taken and i.pk != show["O5"].pk
        ]
        self.resolved = rest[0] if rest else None

        persons = self.persons_and_roles()
        plans = self.prepayments()
        self.visits(plans)
        self.branches_and_changes()
        self.related_companies_and_finances()
        self.outside_records(persons)
        self.leads()
        self.resolutions()
        self.official_counts()
        self.round_windows()
        self.shared_lists()
        return self.created

    # --- persons and roles -----------------------------------------------------------------
    def persons_and_roles(self) -> dict[int, Person]:
        """One person per key role (legal representative, principal, investors), recorded as
        a township records them: a new legal representative ends the previous one's role and
        records the change (``add_person_role``). The Y3 institution changed its legal
        representative twice in 24 months (频繁变更法定代表人), a few others once.

        Returns each institution's legal representative now."""
        rng = self.rng
        plans = []  # (institution, (name, id number, phone), kind, started, share)
        current_rep = {}

        def person(name):
            return (name, self.id_number(1950, 1985), self.phone())

        def role(institution, who, kind, started, share=None):
            plans.append((institution, who, kind, started, share))

        rep_changed = [self.show["Y3"]] + rng.sample(self.registered, 4)
        for institution in self.registered + [v for v in self.venues if v.legal_representative]:
            started = institution.established_on or institution.found_on or self.campaign
            rep = person(institution.legal_representative)
            current_rep[institution.pk] = rep
            local = {rep[0]: rep}
            investors = [n for n in institution.investors.split("、") if n]
            if institution.principal:
                if institution.principal not in local:
                    local[institution.principal] = person(institution.principal)
                role(institution, local[institution.principal], PersonRoleKind.PRINCIPAL, started)
            for name in sorted(investors):
                if name not in local:
                    local[name] = person(name)
                share = Decimal(100 // max(len(investors), 1))
                role(institution, local[name], PersonRoleKind.INVESTOR, started, share=share)
            # The legal representatives in the order they took office: each ends the one before.
            if institution == self.show["Y3"]:
                first, second = (person(n) for n in self.unique_names(2))
                d1, d2 = self.ago(months=19), self.ago(months=5)
                role(institution, first, PersonRoleKind.LEGAL_REPRESENTATIVE, started)
                role(institution, second, PersonRoleKind.LEGAL_REPRESENTATIVE, d1)
                role(institution, rep, PersonRoleKind.LEGAL_REPRESENTATIVE, d2)
            elif institution in rep_changed:
                # One change in the period: recorded, not "frequent".
                old = person(self.unique_names(1)[0])
                day = self.ago(days=rng.randint(30, 600))
                role(institution, old, PersonRoleKind.LEGAL_REPRESENTATIVE, started)
                role(institution, rep, PersonRoleKind.LEGAL_REPRESENTATIVE, day)
            else:
                role(institution, rep, PersonRoleKind.LEGAL_REPRESENTATIVE, started)

        stored = set(
            PersonRole.objects.filter(
                institution__in=[institution for institution, *_ in plans]
            ).values_list("institution_id", "person__id_number", "kind")
        )
        for institution, (name, id_number, phone), kind, started, share in plans:
            if (institution.pk, id_number, kind) in stored:
                continue
            add_person_role(
                user=self.staff_of(institution),
                institution=institution,
                name=name,
                kind=kind,
                id_number=id_number,
                phone=phone,
                started_on=started,
                share_percent=share,
            )
            self.created += 1
        ids = [id_number for _name, id_number, _phone in current_rep.values()]
        persons = {p.id_number: p for p in Person.objects.filter(id_number__in=ids)}
        return {pk: persons[id_number] for pk, (_name, id_number, _phone) in current_rep.items()}

    # --- prepayments ---------------------------------------------------------------------
    def prepayments(self):
        """About a third of the institutions keep prepayment records; the showcases collect
        large prepayments (above 6 months' fees), the O5 one from more elders than beds."""
        rng = self.rng
        show = self.show
        plans = {}  # institution pk -> (records, has_large)
        chosen = rng.sample(self.registered, len(self.registered) // 3)
        wanted = [(i, rng.randint(5, 15), 0.12) for i in chosen]
        wanted += [
            (show["Y1"], 8, 0.5),
            (show["O4"], 7, 0.4),
            (show["V1_unknown"], 7, 0.4),
            (show["R3"], 12, 0.6),
            (show["R4"], 15, 0.7),
            (show["R2_returns"], 6, 0.0),
            (show["O5"], show["O5"].beds + 3, 1.0),
        ]
        for venue in self.venues:
            if venue.pk in self.new_ones:
                continue
            if venue.collects_large_prepayment:
                wanted.append((venue, rng.randint(5, 9), 0.5))
            elif rng.random() < 0.5:
                wanted.append((venue, rng.randint(2, 3), 0.0))
        records = []
        for institution, n, share in wanted:
            rows = self.payer_records(institution, n, share)
            if institution == show["R2_returns"]:
                rows += self.investments(institution)
            if self.was_venue(institution) and institution.collects_large_prepayment:
                rows += self.unknown_fee_payment(institution)
            plans[institution.pk] = (len({r.payer_key for r in rows}), any(r.large for r in rows))
            records += rows
        self.write_new(
            records,
            PrepaymentRecord,
            ("institution_id", "payer_key", "kind"),
            self.save_prepayment,
        )
        return plans

    def save_prepayment(self, record):
        staff = self.staff_of(record.institution)
        save_record(user=staff, record=record)
        refund = getattr(record, "refund", None)
        if refund is not None:
            amount, refunded_on = refund
            record_refund(
                user=staff,
                prepayment=record,
                amount=amount,
                refunded_on=refunded_on,
                today=self.today,
            )

    def payer(self, institution, name, **values):
        id_number = self.id_number() if self.rng.random() < 0.7 else ""
        phone = self.phone() if self.rng.random() < 0.5 else ""
        record = PrepaymentRecord(
            institution=institution,
            payer_name=name,
            payer_id_number=id_number,
            payer_phone=phone,
            # The key save() gives it, to find the record already stored.
            payer_key=f"id:{id_number}" if id_number else f"name:{normalise_name(name)}",
            **values,
        )
        record.large = False
        return record

    def payer_records(self, institution, n, large_share):
        rng = self.rng
        rows = []
        for k, name in enumerate(self.unique_names(n)):
            fee = Decimal(rng.choice([1500, 1800, 2000, 2400, 2800, 3200, 3600]))
            draw = rng.random()
            large = draw < large_share or (k == 0 and large_share >= 0.3)
            if large:
                kind = rng.choice(
                    [
                        PrepaymentKind.MEMBERSHIP,
                        PrepaymentKind.TOP_UP,
                        PrepaymentKind.PREPAID_BED_FEE,
                    ]
                )
                months = rng.choice([10, 12, 18, 24, 36])
            elif draw < large_share + 0.25:
                kind, months = PrepaymentKind.DEPOSIT, rng.choice([1, 2, 3])
            else:
                kind = rng.choice([PrepaymentKind.PREPAID_BED_FEE, PrepaymentKind.MEMBERSHIP])
                months = rng.choice([1, 3, 3, 6, 6])
            amount = fee * months
            paid_on = self.ago(days=rng.randint(20, 700))
            refund = None
            if not large and rng.random() < 0.1:
                # Half refunded 45 days later: an entry of the refund ledger once saved.
                refund = (
                    (amount / 2).quantize(Decimal("1")),
                    min(paid_on + timedelta(days=45), self.today),
                )
            record = self.payer(
                institution,
                name,
                kind=kind,
                amount=amount,
                paid_on=paid_on,
                monthly_fee=fee,
                months_covered=None if kind == PrepaymentKind.DEPOSIT else months,
            )
            record.refund = refund
            record.large = large
            rows.append(record)
        return rows

    def investments(self, institution):
        """炒床位: beds sold as investments with a promised yearly return."""
        rows = []
        for name in self.unique_names(4):
            record = self.payer(
                institution,
                "投资人" + name,
                kind=PrepaymentKind.INVESTMENT,
                amount=Decimal(self.rng.choice([50000, 80000, 100000, 150000])),
                paid_on=self.ago(days=self.rng.randint(60, 500)),
                promised_return=True,
                promised_return_note="认购床位，年化收益12%，三年后返还本金",
            )
            record.large = True
            rows.append(record)
        return rows

    def unknown_fee_payment(self, institution):
        record = self.payer(
            institution,
            self.unique_names(1)[0] + "（家属代缴）",
            kind=PrepaymentKind.MEMBERSHIP,
            amount=Decimal(self.rng.choice([60000, 80000, 120000])),
            paid_on=self.ago(days=self.rng.randint(60, 400)),
            notes="月收费标准不详",
        )
        record.large = True
        return [record]

    # --- visits --------------------------------------------------------------------------
    def visits(self, plans):
        """First-round visits for most, "回头看" for the showcases and some others, a few
        covert inspections and drafts. The risk findings sit on the latest submitted visit."""
        rng, show = self.rng, self.show
        fund_use = {
            show["Y1"].pk: FundUse.FACILITY_CONSTRUCTION,
            show["O4"].pk: FundUse.IRREGULAR,
            show["V1_unknown"].pk: FundUse.UNKNOWN,
            show["R3"].pk: FundUse.OPERATIONS,
            show["R4"].pk: FundUse.IRREGULAR,
            show["R2_returns"].pk: FundUse.IRREGULAR,
        }
        flags = {
            show["Y4"].pk: {"false_advertising": True},
            show["R2_returns"].pk: {"promised_returns": True},
            show["R2_crime"].pk: {"suspected_crime": True},
            show["R4"].pk: {"collapsed": True},
            show["R5"].pk: {"public_opinion": True},
        }
        showcase = {i.pk for i in show.values()}
        candidates = [i for i in self.registry if i.pk not in self.new_ones]
        for institution in rng.sample([i for i in candidates if i.pk not in showcase], 2):
            flags[institution.pk] = {"false_advertising": True}
        if self.resolved is not None:
            pk = self.resolved.pk
            flags[pk] = {**flags.get(pk, {}), "public_opinion": True}

        visits = []
        for institution in candidates:
            screened = institution.pk in showcase or rng.random() < 0.8
            look_back = institution.pk in showcase or rng.random() < 0.3
            covert = institution.pk not in showcase and rng.random() < 0.08
            draft = rng.random() < 0.12
            payers, large = plans.get(institution.pk, (0, False))
            if self.was_venue(institution) and large:
                use = rng.choice([FundUse.UNKNOWN, FundUse.IRREGULAR])
            elif payers:
                use = fund_use.get(institution.pk) or rng.choice(
                    [FundUse.OPERATIONS, FundUse.OPERATIONS, FundUse.NONE]
                )
            else:
                use = FundUse.NONE
            if large and use == FundUse.NONE:
                # A visit that found large prepayments says how the funds are used: the visit
                # service refuses to submit it otherwise.
                use = FundUse.OPERATIONS
            common = {
                "large_prepayment_found": YesNoUnknown.YES if large else YesNoUnknown.NO,
                "prepayment_payers_reported": payers or None,
                "fund_use": use,
            }
            if not screened:
                if draft:
                    visits.append(
                        self.visit(
                            institution,
                            ScreeningRound.FIRST,
                            VisitStatus.DRAFT,
                            self.in_campaign(0.6, 1.0),
                            {},
                        )
                    )
                continue
            first_flags = dict(common, **(flags.get(institution.pk, {}) if not look_back else {}))
            if institution.pk in showcase:
                # What the first round could not find out; the look-back found it.
                first_flags["fund_use"] = FundUse.UNKNOWN if payers else FundUse.NONE
            visits.append(
                self.visit(
                    institution,
                    ScreeningRound.FIRST,
                    VisitStatus.SUBMITTED,
                    self.in_campaign(0.02, 0.45),
                    first_flags,
                )
            )
            if look_back:
                status = (
                    VisitStatus.DRAFT
                    if draft and institution.pk not in showcase
                    else VisitStatus.SUBMITTED
                )
                values = dict(common, **flags.get(institution.pk, {}))
                visits.append(
                    self.visit(
                        institution,
                        ScreeningRound.LOOK_BACK,
                        status,
                        self.in_campaign(0.5, 0.8),
                        values,
                    )
                )
            if covert:
                values = dict(common, **flags.get(institution.pk, {}))
                visits.append(
                    self.visit(
                        institution,
                        ScreeningRound.COVERT,
                        VisitStatus.SUBMITTED,
                        self.in_campaign(0.85, 1.0),
                        values,
                    )
                )
        stored = set(ScreeningVisit.objects.values_list("institution_id", "round"))
        for visit in visits:
            # Interviews are drawn for every visit, saved only with a visit created now: the
            # random sequence must not depend on what the database already holds.
            interviews = self.interviews(visit)
            key = (visit.institution_id, visit.round)
            if key in stored:
                continue
            stored.add(key)
            save_visit(
                user=visit.staff,
                visit=visit,
                interviews=interviews,
                submit=visit.status == VisitStatus.SUBMITTED,
            )
            self.created += 1 + len(interviews)

    def interviews(self, visit) -> list[ResidentInterview]:
        """衡山县方案: 询问入住的老年人或者其代理人 — on a submitted visit at the door."""
        if visit.status != VisitStatus.SUBMITTED or visit.method != VisitMethod.UNANNOUNCED:
            return []
        rng = self.rng
        collected = visit.large_prepayment_found == YesNoUnknown.YES
        interviews = []
        for name in self.unique_names(rng.randint(1, 3)):
            agent = rng.random() < 0.4
            interviews.append(
                ResidentInterview(
                    interviewee=name + ("（家属）" if agent else ""),
                    is_agent=agent,
                    prepayment_collected=YesNoUnknown.YES if collected else YesNoUnknown.NO,
                    amount_mentioned=Decimal(rng.choice([20000, 36000, 50000]))
                    if collected
                    else None,
                    risks_explained=rng.choice(
                        [YesNoUnknown.YES, YesNoUnknown.YES, YesNoUnknown.NO]
                    ),
                    notes="" if not collected else "称办卡可享受优惠",
                )
            )
        return interviews

    def visit(self, institution, round_, status, day, values):
        rng = self.rng
        method = (
            VisitMethod.UNANNOUNCED
            if round_ == ScreeningRound.COVERT
            else rng.choice(
                [VisitMethod.UNANNOUNCED] * 6 + [VisitMethod.DOCUMENTS] * 2 + [VisitMethod.PHONE]
            )
        )
        staff = self.staff_of(institution)
        findings = []
        if values.get("large_prepayment_found") == YesNoUnknown.YES:
            findings.append("收取预付费，部分老人预交超过6个月费用")
        for name, text in [
            ("false_advertising", "宣传“入住享国家补贴、保本高收益”，存在夸大宣传"),
            ("promised_returns", "以认购床位名义吸收资金，承诺年化12%回报（“炒床位”）"),
            ("suspected_crime", "以高额返利吸引老人投资，涉嫌非法集资，已通报属地政法部门"),
            ("collapsed", "负责人失联，老人预交费用无法退还，已经“爆雷”"),
            ("public_opinion", "老人家属聚集反映退费问题，网络出现负面舆情"),
        ]:
            if values.get(name):
                findings.append(text)
        if self.show["Y5"].pk == institution.pk:
            values = dict(values, related_companies_found="与关联公司存在资金往来")
        poster = rng.random() < 0.85
        notice = rng.random() < 0.75
        letter = rng.random() < 0.8
        return ScreeningVisit(
            institution=institution,
            visited_on=day,
            staff=staff,
            companions=rng.choice(COMPANIONS),
            method=method,
            round=round_,
            status=status,  # what save_visit is asked to do: submit, or keep a draft
            operating_entity=institution.operator or institution.name,
            marketing_methods=rng.choice(MARKETING),
            charging_methods=rng.choice(CHARGING),
            poster_displayed=poster,
            notice_to_every_resident=notice,
            commitment_letter_signed=letter,
            findings="；".join(findings) or "未发现风险隐患",
            **values,
        )

    # --- branches, changes, related companies, finances ------------------------------------
    def branches_and_changes(self):
        rng, show = self.rng, self.show
        branches = []
        fast = show["Y2"]
        for months, suffix in zip((4, 11, 19, 28), BRANCH_NAMES, strict=False):
            branches.append(self.branch(fast, f"{fast.name}{suffix}", self.ago(months=months)))
        for institution in rng.sample(self.registered, 6):
            if institution == fast:
                continue
            branches.append(
                self.branch(
                    institution,
                    f"{institution.name}{rng.choice(BRANCH_NAMES)}",
                    self.ago(months=rng.randint(40, 120)),
                )
            )
        self.write_new(branches, Branch, ("institution_id", "name"), self.save_record)

        # Changes of legal representative come from the roles (persons_and_roles); the
        # latest change of registered address also moves the institution's address.
        changes = []
        moved = show["Y3_address"]
        old = [
            f"湖南省衡阳市衡山县{moved.township.name}{n}号"
            for n in (rng.randint(200, 299), rng.randint(300, 399))
        ]
        changes += [
            (moved, ChangeKind.REGISTERED_ADDRESS, self.ago(months=15), old[0], old[1]),
            (
                moved,
                ChangeKind.REGISTERED_ADDRESS,
                self.ago(months=3),
                old[1],
                moved.registered_address,
            ),
        ]
        for institution in rng.sample(self.registered, 3):
            changes.append(
                (
                    institution,
                    ChangeKind.NAME,
                    self.ago(months=rng.randint(30, 90)),
                    institution.name[:-3] + "敬老院",
                    institution.name,
                )
            )
        rows = [
            RegistrationChange(
                institution=institution,
                kind=kind,
                changed_on=day,
                old_value=before,
                new_value=after,
                source=str(institution.registration_authority or "登记机关"),
            )
            for institution, kind, day, before, after in changes
        ]
        self.write_new(
            rows,
            RegistrationChange,
            ("institution_id", "kind", "new_value"),
            lambda change: record_registration_change(
                user=self.staff_of(change.institution), change=change
            ),
        )

    def save_record(self, record):
        """An institution's record, entered by its township's staff."""
        return save_record(user=self.staff_of(record.institution), record=record)

    def branch(self, institution, name, day):
        return Branch(
            institution=institution,
            name=name,
            address=f"衡山县{institution.township.name}{self.rng.randint(1, 199)}号",
            opened_on=day,
        )

    def related_companies_and_finances(self):
        rng, show = self.rng, self.show
        companies = []
        for institution in [show["Y5"]] + rng.sample(self.registered, 4):
            transactions = institution == show["Y5"]
            name = f"衡山县{institution.name[3:5]}{rng.choice(COMPANY_SUFFIX)}"
            companies.append(
                RelatedCompany(
                    institution=institution,
                    name=name,
                    normalised_name=normalise_name(name),  # the key save() gives it
                    credit_code=self.credit_code("91"),
                    relation=rng.choice(["同一投资人", "法定代表人控制的企业", "母公司"]),
                    has_transactions=transactions,
                    transactions_note=(
                        "机构预收的会员费转入关联公司账户，并向其支付“管理费”"
                        if transactions
                        else ""
                    ),
                )
            )
        self.write_new(
            companies, RelatedCompany, ("institution_id", "normalised_name"), self.save_record
        )

        snapshots = []
        insolvent = show["R3"]
        for institution in [insolvent] + rng.sample(self.registered, 25):
            assets = Decimal(rng.randint(10, 80) * 100000)
            liabilities = (assets * Decimal(rng.uniform(0.2, 0.7))).quantize(Decimal("1"))
            net_fixed = (assets * Decimal(rng.uniform(0.4, 0.7))).quantize(Decimal("1"))
            snapshots.append(
                self.snapshot(
                    institution,
                    "上年度财务报表",
                    self.ago(months=10),
                    assets,
                    liabilities,
                    net_fixed,
                )
            )
        # 资不抵债: the latest balance of the R3 institution.
        snapshots.append(
            self.snapshot(
                insolvent,
                "近期资产负债表（县民政局核查）",
                self.ago(months=1),
                Decimal("3000000"),
                Decimal("5600000"),
                Decimal("1900000"),
            )
        )
        self.write_new(snapshots, FinancialSnapshot, ("institution_id", "source"), self.save_record)

    def snapshot(self, institution, source, day, assets, liabilities, net_fixed):
        return FinancialSnapshot(
            institution=institution,
            as_of=day,
            total_assets=assets,
            total_liabilities=liabilities,
            net_fixed_assets=net_fixed,
            source=source,
        )

    # --- outside records ----------------------------------------------------------------
    def import_list(self, kind: str, file_name: str, rows: list[dict]) -> None:
        """The county section imports a list as the court, the list keeper or the other
        department gave it (区县方案 二(二)一: 诉讼、黑名单, 三看公安、市场监管等部门的共享信息):
        the import reads it, matches it to the registry (an ID number or a credit code
        matches at once, a name only suggests) and writes it with its history. Once: a list
        the demo imported before is not imported again."""
        if ImportBatch.objects.filter(unit=self.county, kind=kind, file_name=file_name).exists():
            return
        columns = [c for c in spec_for(kind).columns if any(c.field in row for row in rows)]
        workbook = Workbook()
        sheet = workbook.active
        sheet.append([column.header for column in columns])
        for row in rows:
            sheet.append([cell(row.get(column.field)) for column in columns])
        buffer = io.BytesIO()
        workbook.save(buffer)
        upload = SimpleUploadedFile(file_name, buffer.getvalue())
        batch = stage_import(user=self.county_user, kind=kind, uploaded=upload)
        if batch.status != ImportStatus.PREVIEWED:
            raise ValueError(f"The demo's {file_name} does not import: {batch.errors}")
        self.created += apply_batch(user=self.county_user, batch=batch).rows_applied

    def outside_records(self, persons: dict[int, Person]):
        rng, show = self.rng, self.show
        rep = persons[show["O1"].pk]
        lawsuits = [
            # 投资人、法定代表人或主要负责人因经济犯罪被提起诉讼: matched by ID number.
            {
                "subject_name": rep.name,
                "id_number": rep.id_number,
                "case_number": "（2025）湘0423刑初118号",
                "court": "衡山县人民法院",
                "cause": "集资诈骗罪",
                "economic_crime": True,
                "filed_on": self.ago(months=8),
            },
        ]
        for k, institution in enumerate(rng.sample(self.registered, 2)):
            lawsuits.append(
                {
                    "subject_name": institution.name,
                    "credit_code": institution.credit_code,
                    "case_number": f"（2024）湘0423民初{1200 + k}号",
                    "court": "衡山县人民法院",
                    "cause": "服务合同纠纷",
                    "filed_on": self.ago(months=rng.randint(6, 20)),
                }
            )
        for k, name in enumerate(self.unique_names(2)):
            # Nobody on the registry: unmatched.
            lawsuits.append(
                {
                    "subject_name": name,
                    "id_number": self.id_number(1960, 1985),
                    "case_number": f"（2024）湘04刑初{30 + k}号",
                    "court": "衡阳市中级人民法院",
                    "cause": "非法吸收公众存款罪",
                    "economic_crime": True,
                    "filed_on": self.ago(months=14),
                }
            )
        # A name without an ID number: a match for the county section to confirm.
        pending = persons[rng.choice(self.registered).pk]
        lawsuits.append(
            {
                "subject_name": pending.name,
                "case_number": "（2023）湘0421刑初77号",
                "court": "衡阳县人民法院",
                "cause": "合同诈骗罪",
                "economic_crime": True,
                "filed_on": self.ago(months=26),
            }
        )
        self.import_list(ImportKind.LAWSUITS, "法院涉诉案件名单.xlsx", lawsuits)

        listed = persons[show["O3"].pk]
        removed = rng.choice(self.registered)
        blacklist = [
            {
                "subject_name": listed.name,
                "id_number": listed.id_number,
                "list_kind": BlacklistKind.CREDIT_CHINA,
                "reason": "失信被执行人",
                "listed_on": self.ago(months=14),
            },
            {
                "subject_name": removed.name,
                "credit_code": removed.credit_code,
                "list_kind": BlacklistKind.SOCIAL_ORGANISATION,
                "reason": "未按规定参加年检",
                "listed_on": self.ago(months=40),
                "removed_on": self.ago(months=28),
            },
        ]
        for name in ("衡阳康寿养老产业有限公司", "湖南颐年健康科技有限公司"):
            blacklist.append(
                {
                    "subject_name": name,
                    "credit_code": self.credit_code("91"),
                    "list_kind": BlacklistKind.ENTERPRISE,
                    "reason": "严重违法失信企业",
                    "listed_on": self.ago(months=rng.randint(3, 30)),
                }
            )
        self.import_list(ImportKind.BLACKLIST, "黑名单.xlsx", blacklist)

        target = show["O2"]
        complaints = [
            {
                "subject_name": target.name,
                "credit_code": target.credit_code,
                "received_on": self.ago(days=days),
                "channel": channel,
                "content": content,
                "reference": f"TS-HS-{k + 1:03d}",
            }
            for k, (days, channel, content) in enumerate(
                [
                    (75, "12345热线", "家属反映机构推销会员卡，称预交5万元可终身免费入住"),
                    (30, "来信", "老人反映退住后押金迟迟不退"),
                ]
            )
        ]
        other = rng.choice(self.registered)
        complaints += [
            # By name only: a match for the county section to confirm.
            {
                "subject_name": other.name,
                "received_on": self.ago(days=12),
                "channel": "来访",
                "content": "反映伙食质量差",
                "reference": "TS-HS-003",
            },
            {
                "subject_name": "福满堂养生会所",
                "received_on": self.ago(days=50),
                "channel": "12345热线",
                "content": "养生会所以免费体检为名向老人推销保健品并收取预存款",
                "reference": "TS-HS-004",
            },
        ]
        self.import_list(ImportKind.COMPLAINTS, "投诉举报工单.xlsx", complaints)
        # 甄别: the township verified the first complaint as substantiated (it counts, O2);
        # the second still waits for its verification.
        first = Complaint.objects.filter(
            reference="TS-HS-001", verification=Verification.PENDING, institution=target
        ).first()
        if first is not None:
            verify_complaint(
                user=self.staff_of(target),
                complaint=first,
                outcome=Verification.SUBSTANTIATED,
                verified_on=min(first.received_on + timedelta(days=5), self.today),
                note="走访核实：机构确以终身免费入住为名推销会员卡",
            )

    # --- leads ---------------------------------------------------------------------------
    def leads(self):
        """Leads in every status, each moved on by its township through the workflow
        (区县方案 二(一)二: 要及时核实、查办、反馈); two left too long; some linked to
        institutions."""
        rng, show = self.rng, self.show
        linked = {
            1: show["O2"],
            4: show["R4"],
            6: rng.choice(self.registered),
            9: rng.choice(self.venues),
        }
        plan = [
            # (status, days since received, channel, subject, fraud related)
            (
                LeadStatus.RECEIVED,
                3,
                LeadChannel.PLATFORM_12337,
                "某养生馆以办卡为名收取老人费用",
                None,
            ),
            (
                LeadStatus.VERIFIED,
                20,
                LeadChannel.HOTLINE_12345,
                "机构推销会员卡承诺终身免费入住",
                True,
            ),
            (LeadStatus.RECEIVED, 40, LeadChannel.WALK_IN, "老年公寓收取高额押金", None),
            (LeadStatus.RECEIVED, 8, LeadChannel.HOTLINE_12345, "老人被邀请参加保健品推介会", None),
            (
                LeadStatus.HANDLED,
                60,
                LeadChannel.REFERRED,
                "养老机构负责人失联、预交费用无法退还",
                True,
            ),
            (LeadStatus.FED_BACK, 90, LeadChannel.PLATFORM_12337, "以“认购床位”名义吸收资金", True),
            (LeadStatus.VERIFIED, 10, LeadChannel.FOUND, "机构收费标准未公示", False),
            (LeadStatus.FED_BACK, 120, LeadChannel.WALK_IN, "托老所向老人推销理财产品", True),
            (
                LeadStatus.HANDLED,
                35,
                LeadChannel.PLATFORM_12337,
                "康养中心虚假宣传“国家补贴”",
                True,
            ),
            (LeadStatus.VERIFIED, 45, LeadChannel.OTHER, "未经登记的托老所收住老人", True),
            (LeadStatus.FED_BACK, 70, LeadChannel.HOTLINE_12345, "养老院违规收取一次性费用", False),
            (
                LeadStatus.RECEIVED,
                1,
                LeadChannel.PLATFORM_12337,
                "老年活动中心组织老人投资旅游项目",
                None,
            ),
            (LeadStatus.HANDLED, 25, LeadChannel.WALK_IN, "居家养老服务中心预收一年服务费", True),
            (
                LeadStatus.FED_BACK,
                150,
                LeadChannel.REFERRED,
                "某公司以养老为名推销“养老公寓”份额",
                True,
            ),
        ]
        order = [LeadStatus.RECEIVED, LeadStatus.VERIFIED, LeadStatus.HANDLED, LeadStatus.FED_BACK]
        stored = set(Lead.objects.values_list("reference", flat=True))
        for k, (status, days, channel, subject, related) in enumerate(plan):
            institution = linked.get(k)
            township = (
                institution.township if institution else self.townships[k % len(self.townships)]
            )
            received = self.ago(days=days)
            lead = Lead(
                unit=township,
                institution=institution,
                channel=channel,
                reference=f"XS-HS-{k + 1:03d}",
                received_on=received,
                reporter_name=self.person() if channel != LeadChannel.FOUND else "",
                reporter_phone=self.phone() if channel != LeadChannel.FOUND else "",
                subject=subject,
                content=f"{subject}，请核实处理。",
            )
            if lead.reference in stored:
                continue

            def after(n, _received=received, _days=days):
                return min(_received + timedelta(days=max(1, _days * n // 6)), self.today)

            # The township takes each step of the workflow in turn, on its own date.
            staff = self.staff[township.pk]
            step = order.index(status)
            save_lead(user=staff, lead=lead)
            if step >= 1:
                verify_lead(user=staff, lead=lead, is_fraud_related=related, verified_on=after(1))
            if step >= 2:
                result = (
                    "已约谈负责人，责令整改并督促清退预收费用"
                    if related
                    else "经核实不属于养老服务诈骗，已告知举报人"
                )
                handle_lead(user=staff, lead=lead, result=result, handled_on=after(2))
                report_lead_to_county(user=staff, lead=lead, reported_on=after(3))
            if step >= 3:
                feed_back_lead(user=staff, lead=lead, fed_back_on=after(3))
            if k == GROUNDLESS_LEAD:
                find_lead_groundless(
                    user=staff,
                    lead=lead,
                    found_on=after(3),
                    reason="经查，服务中心按月收费，未预收一年服务费，举报查无实据",
                )
            self.created += 1

    def resolutions(self):
        """The county section resolved one standing finding (重大舆情), with its reason."""
        institution = self.resolved
        if institution is None:
            return
        fact = StandingFact.PUBLIC_OPINION.value
        if fact not in standing_findings([institution.pk]).get(institution.pk, {}):
            return  # not screened, or resolved by an earlier run
        resolve_finding(
            user=self.county_user,
            institution=institution,
            fact=fact,
            reason="家属退费诉求已全部解决，网络舆情已平息，经县民政局核实不再存在重大舆情",
        )
        self.created += 1

    # --- "四看" ----------------------------------------------------------------------------
    def official_counts(self):
        """二看: the civil-affairs statistics per township, entered by the county."""
        counts = defaultdict(int)
        for institution in self.registered:
            counts[institution.township_id] += 1
        stored = set(OfficialCount.objects.values_list("unit_id", flat=True))
        for township in self.townships:
            institutions = max(counts[township.pk] + self.rng.choice([-1, 0, 0, 1, 2]), 0)
            if township.pk in stored:
                continue
            save_official_count(
                user=self.county_user,
                township=township,
                as_of=self.campaign - timedelta(days=1),
                institutions=institutions,
                notes="民政统计年报",
            )
            self.created += 1

    def round_windows(self):
        """The county's round windows (首轮排查, "回头看", 暗访督查; docs/policy-trace.md),
        placed on the demo's visits: the first round
        ended with some institutions never visited, the look-back ended with many left, the
        covert inspection is still open. Set once; a later load keeps them as they are."""
        span = (self.today - self.campaign).days

        def at(share: float) -> date:
            return self.campaign + timedelta(days=int(span * share))

        windows = {
            ScreeningRound.FIRST: (self.campaign, at(0.45)),
            ScreeningRound.LOOK_BACK: (at(0.5), at(0.8)),
            ScreeningRound.COVERT: (at(0.85), self.today + timedelta(days=10)),
        }
        stored = set(CampaignRound.objects.filter(unit=self.county).values_list("kind", flat=True))
        saved = save_campaign_rounds(
            user=self.county_user,
            unit=self.county,
            windows={kind: window for kind, window in windows.items() if kind not in stored},
        )
        self.created += len(saved)

    def shared_lists(self):
        """三看: lists shared by police, market regulation and 金民工程; some match the registry.
        A township verifies one candidate: registered, not filed (登记未备案)."""
        rng = self.rng
        rows = []
        for institution in rng.sample(self.registered, 6):
            rows.append(
                {
                    "subject_name": institution.name,
                    "source": SharedListSource.MARKET_REGULATION,
                    "credit_code": institution.credit_code,
                    "address": institution.registered_address,
                    "township": institution.township,
                }
            )
        for k in range(5):
            township = self.townships[(k * 5) % len(self.townships)]
            name = f"衡山县{township.name[:2]}{INSTITUTION_STEMS[(k * 3) % 20]}健康咨询有限公司"
            rows.append(
                {
                    "subject_name": name,
                    "source": SharedListSource.MARKET_REGULATION,
                    "credit_code": self.credit_code("91"),
                    "address": f"衡山县{township.name}{rng.randint(1, 199)}号",
                    "business_scope": "养老服务；健康咨询；老年人养护服务",
                    "registered_on": self.ago(days=rng.randint(30, 300)),
                    "township": township,
                }
            )
            if k == 0:
                verified = (township, name)
        for k in range(4):
            township = self.townships[(k * 3 + 1) % len(self.townships)]
            rows.append(
                {
                    "subject_name": f"{township.name[:2]}{rng.choice(VENUE_KINDS)}{k + 1}号",
                    "source": SharedListSource.POLICE,
                    "address": f"衡山县{township.name}{rng.randint(1, 199)}号",
                    "business_scope": "收住老人十余名，疑似未经登记",
                    "township": township,
                }
            )
        for k in range(3):
            township = self.townships[(k * 4 + 2) % len(self.townships)]
            stem = INSTITUTION_STEMS[(k * 7 + 2) % 20]
            rows.append(
                {
                    "subject_name": f"湖南{stem}养老产业发展有限公司",
                    "source": SharedListSource.JINMIN,
                    "credit_code": self.credit_code("91"),
                    "business_scope": "养老服务；养老产业投资；健康管理咨询",
                    "registered_on": self.ago(days=rng.randint(10, 200)),
                    "township": township if k else None,
                }
            )
        # By name only: a match for the county section to confirm.
        pending = rng.choice(self.registered)
        rows.append(
            {
                "subject_name": pending.name,
                "source": SharedListSource.JINMIN,
                "township": pending.township,
            }
        )
        self.import_list(ImportKind.SHARED_LIST, "部门共享名单.xlsx", rows)

        township, name = verified
        entry = SharedListEntry.objects.get(
            source=SharedListSource.MARKET_REGULATION, normalised_name=normalise_name(name)
        )
        if not entry.verified_note:
            verify_candidate(
                user=self.staff[township.pk],
                entry=entry,
                outcome=CandidateOutcome.REGISTERED_NOT_FILED,
                note="需补录入名录",
            )


def cell(value):
    """A value as a spreadsheet cell holds it: a township by its name."""
    return value.name if isinstance(value, OrgUnit) else value


def build_screening_demo(
    county: DemoCounty, registry: DemoRegistry, *, seed: int = SEED, today: date | None = None
) -> int:
    """The screening records of the demo county; returns how many rows were created."""
    return ScreeningDemo(county, registry, seed, today).build()


def build_spot_check_demo(county: DemoCounty) -> None:
    """One 随机检查 among the institutions on the list (区县方案 二(二)三, yellow: 增加抽查检查
    频次), drawn once with a fixed seed: run after the ratings, which put institutions on
    the list."""
    county_user = county.county_user
    if not SpotCheckDraw.objects.filter(unit=county_user.unit).exists():
        draw_spot_check(
            user=county_user, size=8, listed_only=True, seed=20220115, note="暗访督查 随机抽查"
        )
