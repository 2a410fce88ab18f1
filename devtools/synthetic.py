"""A province-size synthetic data set for the benchmarks (docs/performance.md).

One deployment must serve a whole province: about 50,000 institutions and venues and half a
million prepayment records. ``SyntheticBuilder`` writes such a province from a seed — the
same seed and size give the same rows, whatever the database — with bulk inserts in
batches: province → cities → counties → townships → villages; users per county and
township; institutions and venues with their persons and roles, about ten prepayment
records each, visits, finances, branches, changes, related companies, lawsuits,
blacklists, complaints, leads, shared lists, publicity, weekly reports; then the ratings
(the real engine and services, as of a week ago), the county's approvals and the disposal
actions and 清零 ledger entries they lead to.

Bulk data gets no simple-history rows (the history of a synthetic row would only say "it
was generated"); the ratings do, because they are written by the rating service itself.
Dates are relative to ``today`` (the windows of the rules count back from it), so a data
set generated on another day differs only by that shift.
"""

from __future__ import annotations

import io
import json
import math
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from accounts.demo import DEMO_PASSWORD
from accounts.models import OrgUnit, Role, UnitLevel, User
from core.db import id_array
from disposal.models import ActionStatus, DisposalAction, DisposalCase, ZeroingEntry
from disposal.models.zeroing import ZeroingStatus
from institutions.demo import (
    GIVEN,
    INSTITUTION_KINDS,
    INSTITUTION_STEMS,
    SCOPES,
    SURNAMES,
    VENUE_KINDS,
)
from institutions.models import (
    Institution,
    LegalForm,
    Ownership,
    RegistrationStatus,
    VenueNature,
)
from institutions.validators import (
    CREDIT_CODE_CHARSET,
    credit_code_check_char,
    id_number_check_char,
)
from reporting.choices import GroupRole, PlaceType, WeeklyStatus
from reporting.models import PublicityActivity, WeeklyReport, WorkingGroupMember
from reporting.periods import ReportingWeek
from screening.demo import CHARGING, COMPANY_SUFFIX, MARKETING
from screening.models import (
    BlacklistEntry,
    BlacklistKind,
    Branch,
    ChangeKind,
    Complaint,
    FinancialSnapshot,
    FundUse,
    Lawsuit,
    Lead,
    LeadChannel,
    LeadStatus,
    MatchStatus,
    OfficialCount,
    Person,
    PersonRole,
    PersonRoleKind,
    PrepaymentKind,
    PrepaymentRecord,
    PrepaymentRefund,
    RegistrationChange,
    RelatedCompany,
    ScreeningRound,
    ScreeningVisit,
    SharedListEntry,
    SharedListSource,
    Verification,
    VisitMethod,
    VisitStatus,
    YesNoUnknown,
)
from screening.models.people import normalise_name

# Not a real division code (those start 11–82): the synthetic province is never confused
# with a real one, and ``existing_size`` finds it again.
PROVINCE_CODE = "990000"
PROVINCE_NAME = "合成省"
PASSWORD = DEMO_PASSWORD
INSTITUTIONS_PER_TOWNSHIP = 25
TOWNSHIPS_PER_COUNTY = 14
COUNTIES_PER_CITY = 9
PLACE_CHARS = (
    "安宁长乐平和兴隆永丰福田东岭西湖南山北塘青石白沙金桥红岩清水双峰龙泉凤凰太平"
    "新华建设团结联合光明胜利前进和平幸福民主文昌明德仁寿高升大同中和宝庆桃源花园"
)
ZERO = Decimal("0")


def _copy_text(value) -> str:
    """A value in PostgreSQL's COPY text format."""
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    text = value.isoformat() if hasattr(value, "isoformat") else str(value)
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def copy_rows(model, rows: list) -> None:
    """Insert model instances with COPY, primary keys drawn from the table's sequence first
    and set on the instances (as bulk_create does); several times faster than INSERTs."""
    meta = model._meta
    fields = [f for f in meta.concrete_fields if not f.primary_key]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [meta.db_table, meta.pk.column, len(rows)],
        )
        ids = [row[0] for row in cursor.fetchall()]
        buffer = io.StringIO()
        # The attribute values as they are (the generator sets every one it needs), the clock
        # for the auto_now fields and JSON as text: preparing each value through its field
        # took most of the time.
        now = timezone.now()
        stamped = {f.attname for f in fields if getattr(f, "auto_now", False)}
        stamped |= {f.attname for f in fields if getattr(f, "auto_now_add", False)}
        json_fields = {f.attname for f in fields if f.get_internal_type() == "JSONField"}
        related = [f for f in fields if f.is_relation]
        names = [f.attname for f in fields]
        for pk, obj in zip(ids, rows, strict=True):
            for f in related:  # an object saved since it was assigned: take its new id
                target = f.get_cached_value(obj, None)
                if target is not None and getattr(obj, f.attname) is None:
                    setattr(obj, f.attname, target.pk)
            obj.pk = pk
            values = [pk]
            for name in names:
                if name in stamped:
                    setattr(obj, name, now)
                value = getattr(obj, name)
                values.append(json.dumps(value) if name in json_fields else value)
            buffer.write("\t".join(map(_copy_text, values)))
            buffer.write("\n")
            obj._state.adding = False
            obj._state.db = "default"
        buffer.seek(0)
        columns = ", ".join(
            connection.ops.quote_name(c) for c in [meta.pk.column] + [f.column for f in fields]
        )
        cursor.cursor.copy_expert(
            f"COPY {connection.ops.quote_name(meta.db_table)} ({columns}) FROM STDIN", buffer
        )


def copy_values(model, rows: list[dict]) -> None:
    """COPY rows given as ``{attname: value}``; fields left out take their default."""
    meta = model._meta
    fields = [f for f in meta.concrete_fields if not f.primary_key]
    now = timezone.now()
    defaults = {
        f.attname: now
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
        else f.get_default()
        for f in fields
    }
    names = [f.attname for f in fields]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [meta.db_table, meta.pk.column, len(rows)],
        )
        ids = [row[0] for row in cursor.fetchall()]
        buffer = io.StringIO()
        for pk, row in zip(ids, rows, strict=True):
            values = [pk, *(row.get(name, defaults[name]) for name in names)]
            buffer.write("\t".join(map(_copy_text, values)))
            buffer.write("\n")
        buffer.seek(0)
        columns = ", ".join(
            connection.ops.quote_name(c) for c in [meta.pk.column] + [f.column for f in fields]
        )
        cursor.cursor.copy_expert(
            f"COPY {connection.ops.quote_name(meta.db_table)} ({columns}) FROM STDIN", buffer
        )


def username(kind: str, index: int) -> str:
    """Logins of the synthetic users: syn_c3 (county section of county 3), syn_t17 …"""
    return f"syn_{kind}{index}"


def province() -> OrgUnit | None:
    return OrgUnit.objects.filter(
        code=PROVINCE_CODE, level=UnitLevel.PROVINCE, parent__isnull=True
    ).first()


def existing_size() -> int | None:
    """Institutions of the synthetic province in this database; None when there is none."""
    unit = province()
    if unit is None:
        return None
    return Institution.objects.filter(scope_path__startswith=unit.path).count()


@dataclass
class Summary:
    rows: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)

    def add(self, name: str, n: int) -> None:
        self.rows[name] = self.rows.get(name, 0) + n

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())


@dataclass
class Place:
    """A unit as the generator needs it, without a query per use."""

    unit: OrgUnit
    index: int
    code: str


@dataclass
class Township(Place):
    county: Place | None = None
    villages: list[OrgUnit] = field(default_factory=list)
    staff: User | None = None


@dataclass
class Planned:
    """What the generator decided about one institution before the rows are written."""

    institution: Institution
    township: Township
    payers: int = 0
    large: bool = False
    new: bool = False


class SyntheticBuilder:
    """Writes the data set; ``build()`` returns a ``Summary`` of rows and seconds per step."""

    def __init__(
        self,
        institutions: int,
        seed: int = 1,
        today: date | None = None,
        batch_size: int = 5000,
        log: Callable[[str], None] | None = None,
    ):
        if institutions < 1:
            raise ValueError("institutions must be at least 1")
        self.n = institutions
        self.seed = seed
        self.rng = random.Random(seed)
        self.today = today or timezone.localdate()
        self.now = timezone.make_aware(datetime.combine(self.today, datetime.min.time()))
        self.now += timedelta(hours=9)
        self.campaign = date(self.today.year, 1, 1)
        self.batch_size = batch_size
        self.log = log or (lambda message: None)
        self.summary = Summary()
        self._person_counter = 0
        self._payer_counter = 0
        self._case_counter = 0

    # --- helpers ---------------------------------------------------------------------------
    def _bulk(self, model, rows: list, name: str | None = None) -> list:
        if connection.vendor == "postgresql" and rows:
            copy_rows(model, rows)
        else:
            model._default_manager.bulk_create(rows, batch_size=self.batch_size)
        self.summary.add(name or model._meta.model_name, len(rows))
        return rows

    def _bulk_values(self, model, rows: list[dict]) -> None:
        """Like ``_bulk`` for rows nothing refers to, given as ``{attname: value}``: half a
        million model instances cost more than writing them."""
        if connection.vendor == "postgresql" and rows:
            copy_values(model, rows)
        else:
            model._default_manager.bulk_create(
                [model(**row) for row in rows], batch_size=self.batch_size
            )
        self.summary.add(model._meta.model_name, len(rows))

    def _step(self, name: str, function, *args):
        started = time.monotonic()
        result = function(*args)
        self.summary.seconds[name] = round(time.monotonic() - started, 2)
        self.log(f"{name}: {self.summary.seconds[name]} s")
        return result

    def ago(self, days: int) -> date:
        return self.today - timedelta(days=days)

    def person_name(self) -> str:
        rng = self.rng
        return rng.choice(SURNAMES) + "".join(rng.sample(GIVEN, rng.choice((1, 2))))

    def phone(self) -> str:
        return "1" + self.rng.choice("3578") + f"{self.rng.randrange(10**9):09d}"

    def place_name(self, taken: set, suffix: str) -> str:
        while True:
            name = "".join(self.rng.sample(PLACE_CHARS, 2)) + suffix
            if name not in taken:
                taken.add(name)
                return name

    def credit_code(self, prefix: str, region: str, serial: int) -> str:
        """Unique by ``serial``; valid check character (GB 32100)."""
        chars = []
        for _ in range(9):
            serial, digit = divmod(serial, 31)
            chars.append(CREDIT_CODE_CHARSET[digit])
        body = prefix + region + "".join(reversed(chars))
        return body + credit_code_check_char(body)

    def id_number(self, region: str, first_born: date, serial: int) -> str:
        """Unique by ``serial`` (a window of birth dates per thousand, then the sequence)."""
        born = first_born + timedelta(days=(serial // 1000) * 14 + self.rng.randrange(14))
        first17 = region + born.strftime("%Y%m%d") + f"{serial % 1000:03d}"
        return first17 + id_number_check_char(first17)

    def person_id(self, region: str) -> str:
        self._person_counter += 1
        return self.id_number(region, date(1950, 1, 1), self._person_counter)

    def payer_id(self, region: str) -> str:
        self._payer_counter += 1
        return self.id_number(region, date(1928, 1, 1), self._payer_counter)

    # --- the whole -----------------------------------------------------------------------
    def build(self) -> Summary:
        if province() is not None:
            raise ValueError("This database already has a synthetic province.")
        started = time.monotonic()
        with transaction.atomic():
            self._step("units", self.units)
            self._step("users", self.users)
            self._step("institutions", self.institutions)
            self._step("persons", self.persons_and_roles)
            self._step("prepayments", self.prepayments)
            self._step("visits", self.visits)
            self._step("records", self.other_records)
            self._step("outside records", self.outside_records)
            self._step("leads", self.leads_and_lists)
            self._step("reporting", self.reporting)
        # The rating runs the product's own services, in their own transactions per chunk,
        # on fresh planner statistics.
        self._step("analyze", self.analyze)
        self._step("ratings", self.ratings)
        with transaction.atomic():
            self._step("approvals", self.approvals)
            self._step("disposal", self.disposal)
        self._step("entered", self.entered)
        self._step("analyze again", self.analyze)
        self.summary.seconds["total"] = round(time.monotonic() - started, 2)
        return self.summary

    def analyze(self):
        """Refresh the planner's statistics, as autovacuum would after a bulk load: without
        them PostgreSQL plans the rating's queries for empty tables (sequential scans)."""
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    # --- units and users -----------------------------------------------------------------
    def _create_units(self, units: list[OrgUnit]) -> None:
        """Insert, then set each materialised path from its parent's (OrgUnit.save does it
        one row at a time)."""
        OrgUnit.objects.bulk_create(units, batch_size=self.batch_size)
        for unit in units:
            prefix = unit.parent.path if unit.parent_id else "/"
            unit.path = f"{prefix}{unit.pk}/"
        OrgUnit.objects.bulk_update(units, ["path"], batch_size=1000)
        self.summary.add("orgunit", len(units))

    def units(self):
        rng = self.rng
        n_townships = max(1, round(self.n / INSTITUTIONS_PER_TOWNSHIP))
        n_counties = max(1, math.ceil(n_townships / TOWNSHIPS_PER_COUNTY))
        n_cities = max(1, math.ceil(n_counties / COUNTIES_PER_CITY))

        root = OrgUnit(name=PROVINCE_NAME, level=UnitLevel.PROVINCE, code=PROVINCE_CODE)
        self._create_units([root])
        self.province = root

        names: set = set()
        cities = [
            Place(
                OrgUnit(
                    name=self.place_name(names, "市"),
                    level=UnitLevel.CITY,
                    parent=root,
                    code=f"99{c + 1:02d}00",
                ),
                c,
                f"99{c + 1:02d}00",
            )
            for c in range(n_cities)
        ]
        self._create_units([c.unit for c in cities])

        self.counties: list[Place] = []
        for k in range(n_counties):
            city = cities[k % n_cities]
            code = f"{city.code[:4]}{k // n_cities + 1:02d}"
            suffix = "区" if rng.random() < 0.3 else "县"
            unit = OrgUnit(
                name=self.place_name(names, suffix),
                level=UnitLevel.COUNTY,
                parent=city.unit,
                code=code,
            )
            self.counties.append(Place(unit, k, code))
        self._create_units([c.unit for c in self.counties])

        self.townships: list[Township] = []
        for t in range(n_townships):
            county = self.counties[t % n_counties]
            number = t // n_counties + 1
            suffix = rng.choice(("镇", "镇", "乡", "街道"))
            unit = OrgUnit(
                name=self.place_name(names, suffix),
                level=UnitLevel.TOWNSHIP,
                parent=county.unit,
                code=f"{county.code}{number:03d}",
            )
            self.townships.append(Township(unit, t, unit.code, county=county))
        self._create_units([t.unit for t in self.townships])

        villages = []
        for township in self.townships:
            local: set = set()
            for v in range(rng.randint(3, 7)):
                suffix = "社区" if v == 0 else "村"
                village = OrgUnit(
                    name=self.place_name(local, suffix),
                    level=UnitLevel.VILLAGE,
                    parent=township.unit,
                    code=f"{township.code}{v + 1:03d}",
                )
                township.villages.append(village)
                villages.append(village)
        self._create_units(villages)

    def users(self):
        password = make_password(PASSWORD)
        users = []
        self.county_reviewers: dict[int, User] = {}
        for county in self.counties:
            reviewer = User(
                username=username("c", county.index),
                unit=county.unit,
                role=Role.COUNTY_REVIEWER,
                last_name=county.unit.name,
                first_name="养老股",
                password=password,
            )
            leader = User(
                username=username("l", county.index),
                unit=county.unit,
                role=Role.LEADER,
                last_name=county.unit.name,
                first_name="局领导",
                password=password,
            )
            self.county_reviewers[county.unit.pk] = reviewer
            users += [reviewer, leader]
        for township in self.townships:
            township.staff = User(
                username=username("t", township.index),
                unit=township.unit,
                role=Role.TOWNSHIP_STAFF,
                last_name=township.unit.name,
                first_name="民政办",
                password=password,
                phone=self.phone(),
            )
            users.append(township.staff)
        self._bulk(User, users)

    # --- the registry --------------------------------------------------------------------
    def _allocation(self) -> list[int]:
        """Institutions per township: uneven, as in life, summing to exactly ``n``."""
        weights = [self.rng.uniform(0.5, 1.5) for _ in self.townships]
        total = sum(weights)
        shares = [self.n * w / total for w in weights]
        counts = [int(s) for s in shares]
        by_remainder = sorted(range(len(shares)), key=lambda i: counts[i] - shares[i])
        for i in by_remainder[: self.n - sum(counts)]:
            counts[i] += 1
        return counts

    def institutions(self):
        rng = self.rng
        self.planned: list[Planned] = []
        serial = 0
        for township, count in zip(self.townships, self._allocation(), strict=True):
            region = township.county.code
            for _ in range(count):
                serial += 1
                village = rng.choice(township.villages) if rng.random() < 0.9 else None
                place = (village or township.unit).name
                venue = rng.random() < 0.18
                rep, principal = self.person_name(), self.person_name()
                stem = rng.choice(INSTITUTION_STEMS)
                values = dict(
                    township=township.unit,
                    village=village,
                    scope_path=(village or township.unit).path,
                    created_by=township.staff,
                    contact_phone=self.phone(),
                )
                if venue:
                    nature = rng.choice(list(VenueNature.values))
                    enterprise = nature == VenueNature.ENTERPRISE
                    values.update(
                        name=f"{place[:2]}{stem}{rng.choice(VENUE_KINDS)}",
                        registration_status=RegistrationStatus.UNREGISTERED,
                        credit_code=self.credit_code("91", region, serial) if enterprise else "",
                        legal_form=LegalForm.ENTERPRISE if enterprise else "",
                        venue_nature=nature,
                        actual_address=f"{township.unit.name}{place}{rng.randint(1, 299)}号",
                        beds=rng.choice((6, 10, 12, 15, 20, 30)),
                        residents=rng.randint(3, 25),
                        operator=rep,
                        principal=rep,
                        legal_representative=rep if enterprise else "",
                        business_scope=rng.choice(SCOPES) if enterprise else "",
                        found_on=self.ago(rng.randint(30, 1500)),
                        collects_large_prepayment=rng.random() < 0.3,
                        contact_person=rep,
                    )
                else:
                    ownership = rng.choices(list(Ownership.values), weights=(0.15, 0.15, 0.7), k=1)[
                        0
                    ]
                    if ownership == Ownership.PUBLIC:
                        form, prefix = LegalForm.PUBLIC_INSTITUTION, "12"
                    elif rng.random() < 0.7:
                        form, prefix = LegalForm.SOCIAL_SERVICE, "52"
                    else:
                        form, prefix = LegalForm.ENTERPRISE, "91"
                    beds = rng.choice((20, 30, 40, 50, 60, 80, 100, 120, 150, 200, 300))
                    incomplete = rng.random() < 0.08
                    investors = "" if ownership == Ownership.PUBLIC else self.person_name()
                    values.update(
                        name=f"{township.unit.name[:2]}{stem}{rng.choice(INSTITUTION_KINDS)}",
                        registration_status=(
                            RegistrationStatus.REGISTERED_NOT_FILED
                            if rng.random() < 0.15
                            else RegistrationStatus.REGISTERED_FILED
                        ),
                        credit_code=self.credit_code(prefix, region, serial),
                        legal_form=form,
                        ownership=ownership,
                        registration_authority=f"{township.county.unit.name}民政局",
                        registered_address=f"{township.unit.name}{place}{rng.randint(1, 299)}号",
                        actual_address=""
                        if incomplete
                        else f"{township.unit.name}{place}{rng.randint(1, 299)}号",
                        beds=beds,
                        residents=int(beds * rng.uniform(0.3, 0.95)),
                        legal_representative=rep,
                        principal="" if incomplete else principal,
                        investors=investors,
                        business_scope=rng.choice(SCOPES),
                        established_on=self.ago(rng.randint(30, 6000)),
                        multi_industry=rng.random() < 0.12,
                        contact_person=principal,
                    )
                institution = Institution(**values)
                if rng.random() < 0.01:
                    institution.archived_at = self.now - timedelta(days=rng.randint(1, 200))
                    institution.archive_reason = "已停业注销"
                new = (institution.established_on or institution.found_on) >= self.campaign
                self.planned.append(Planned(institution, township, new=new))
        self._bulk(Institution, [p.institution for p in self.planned])

    def persons_and_roles(self):
        """Legal representative, principal and investors, with their roles over time; some
        changed their legal representative or registered address (Y3)."""
        rng = self.rng
        people, roles, changes = [], [], []
        self.key_persons: list[tuple[Planned, Person]] = []
        shared: list[Person] = []  # investors who also invest elsewhere (chains)
        for plan in self.planned:
            institution = plan.institution
            region = plan.township.county.code
            unit = plan.township.unit
            started = institution.established_on or institution.found_on

            def person(name, _unit=unit, _region=region, _staff=plan.township.staff):
                p = Person(
                    name=name,
                    normalised_name=normalise_name(name),
                    id_number=self.person_id(_region) if rng.random() < 0.9 else "",
                    phone=self.phone(),
                    unit=_unit,
                    scope_path=_unit.path,
                    created_by=_staff,
                )
                people.append(p)
                return p

            def role(p, kind, start, end=None, share=None, _i=institution, _plan=plan):
                # The person's id is known once persons are written: kept as the object.
                roles.append(
                    dict(
                        institution_id=_i.pk,
                        person=p,
                        kind=kind,
                        started_on=start,
                        ended_on=end,
                        share_percent=share,
                        scope_path=_i.scope_path,
                        created_by_id=_plan.township.staff.pk,
                    )
                )

            if not institution.legal_representative and not institution.principal:
                continue
            rep = person(institution.legal_representative or institution.principal)
            self.key_persons.append((plan, rep))
            if institution.principal and institution.principal != rep.name:
                principal = person(institution.principal)
                self.key_persons.append((plan, principal))
                role(principal, PersonRoleKind.PRINCIPAL, started)
            elif institution.principal:
                role(rep, PersonRoleKind.PRINCIPAL, started)
            if institution.investors:
                investor = person(institution.investors)
                role(investor, PersonRoleKind.INVESTOR, started, share=Decimal("60"))
                self.key_persons.append((plan, investor))
                if shared and rng.random() < 0.05:
                    role(rng.choice(shared), PersonRoleKind.INVESTOR, started, share=Decimal("40"))
                elif rng.random() < 0.02:
                    shared.append(investor)
            if institution.is_venue and not institution.legal_representative:
                continue
            draw = rng.random()
            if draw < 0.08:
                # 1–3 changes of legal representative, the last ones within 24 months.
                n_changes = rng.choice((1, 1, 2, 2, 3))
                days = sorted((rng.randint(20, 900) for _ in range(n_changes)), reverse=True)
                holders = [person(self.person_name()) for _ in range(n_changes)] + [rep]
                begin = started
                for k, day in enumerate(days):
                    end = max(self.ago(day), begin)
                    role(holders[k], PersonRoleKind.LEGAL_REPRESENTATIVE, begin, end)
                    changes.append(
                        RegistrationChange(
                            institution=institution,
                            kind=ChangeKind.LEGAL_REPRESENTATIVE,
                            changed_on=end,
                            old_value=holders[k].name,
                            new_value=holders[k + 1].name,
                            source="市场监管登记信息",
                            scope_path=institution.scope_path,
                        )
                    )
                    begin = end
                role(rep, PersonRoleKind.LEGAL_REPRESENTATIVE, begin)
            else:
                role(rep, PersonRoleKind.LEGAL_REPRESENTATIVE, started)
            if draw > 0.95:
                for _ in range(rng.choice((1, 1, 2, 3))):
                    changes.append(
                        RegistrationChange(
                            institution=institution,
                            kind=ChangeKind.REGISTERED_ADDRESS,
                            changed_on=self.ago(rng.randint(10, 1000)),
                            old_value=f"{plan.township.unit.name}{rng.randint(1, 299)}号",
                            new_value=institution.registered_address,
                            scope_path=institution.scope_path,
                        )
                    )
        self._bulk(Person, people)
        for row in roles:
            row["person_id"] = row.pop("person").pk
        self._bulk_values(PersonRole, roles)
        self._bulk(RegistrationChange, changes)

    def prepayments(self):
        """About ten records per institution; a share of institutions take large ones."""
        rng = self.rng
        kinds_fee = (
            PrepaymentKind.MEMBERSHIP,
            PrepaymentKind.TOP_UP,
            PrepaymentKind.PREPAID_BED_FEE,
        )
        rows = []
        for plan in self.planned:
            institution = plan.institution
            if institution.is_venue:
                payers = rng.randint(2, 9) if rng.random() < 0.6 else 0
            else:
                payers = rng.randint(3, 13)
            if not payers:
                continue
            large_share = rng.choices((0.0, 0.1, 0.4), weights=(0.7, 0.2, 0.1), k=1)[0]
            if institution.collects_large_prepayment:
                large_share = max(large_share, 0.4)
            region = plan.township.county.code
            staff = plan.township.staff
            plan.payers = payers
            for _ in range(payers):
                name = self.person_name()
                id_number = self.payer_id(region) if rng.random() < 0.75 else ""
                key = f"id:{id_number}" if id_number else f"name:{normalise_name(name)}"
                phone = self.phone() if rng.random() < 0.5 else ""
                fee = Decimal(rng.choice((1500, 1800, 2000, 2400, 2800, 3200, 3600)))
                records = []
                if rng.random() < 0.45:
                    months = rng.choice((1, 2, 3)) if rng.random() > 0.02 else 15
                    records.append((PrepaymentKind.DEPOSIT, fee * months, None))
                large = rng.random() < large_share
                months = rng.choice((10, 12, 18, 24, 36)) if large else rng.choice((1, 3, 3, 6, 6))
                records.append((rng.choice(kinds_fee), fee * months, months))
                if rng.random() < 0.1:
                    records.append((PrepaymentKind.TOP_UP, fee * rng.choice((1, 2)), None))
                plan.large = plan.large or large
                for kind, amount, months in records:
                    paid_on = self.ago(rng.randint(15, 900))
                    refunded = ZERO
                    if not large and rng.random() < 0.08:
                        refunded = (amount / 2).quantize(Decimal("1"))
                    rows.append(
                        dict(
                            institution_id=institution.pk,
                            payer_name=name,
                            payer_id_number=id_number,
                            payer_phone=phone,
                            payer_key=key,
                            kind=kind,
                            amount=amount,
                            paid_on=paid_on,
                            monthly_fee=fee if rng.random() < 0.9 else None,
                            months_covered=months,
                            refunded_amount=refunded,
                            scope_path=institution.scope_path,
                            created_by_id=staff.pk,
                        )
                    )
            if rng.random() < 0.004:
                # 炒床位: beds sold as investments with a promised yearly return.
                plan.large = True
                for _ in range(rng.randint(2, 5)):
                    rows.append(
                        dict(
                            institution_id=institution.pk,
                            payer_name="投资人" + self.person_name(),
                            payer_key=f"name:投资人{rng.randrange(10**6)}",
                            kind=PrepaymentKind.INVESTMENT,
                            amount=Decimal(rng.choice((50000, 80000, 100000, 150000))),
                            paid_on=self.ago(rng.randint(60, 500)),
                            promised_return=True,
                            promised_return_note="认购床位，年化收益12%，三年后返还本金",
                            scope_path=institution.scope_path,
                            created_by_id=staff.pk,
                        )
                    )
            if len(rows) >= 50000:
                self._bulk_values(PrepaymentRecord, rows)
                rows = []
        self._bulk_values(PrepaymentRecord, rows)
        self.refunds()

    def refunds(self):
        """The refunds of the records partly refunded, as entries of the refund ledger (the
        record's ``refunded_amount`` is their sum), 45 days after the payment."""
        partly = (
            PrepaymentRecord.objects.filter(refunded_amount__gt=0)
            .exclude(pk__in=PrepaymentRefund.objects.values("prepayment_id"))
            .values_list(
                "pk", "institution_id", "scope_path", "refunded_amount", "paid_on", "created_by_id"
            )
        )
        self._bulk_values(
            PrepaymentRefund,
            [
                dict(
                    prepayment_id=pk,
                    institution_id=institution_id,
                    scope_path=scope_path,
                    amount=amount,
                    refunded_on=min(paid_on + timedelta(days=45), self.today),
                    created_by_id=created_by_id,
                )
                for pk, institution_id, scope_path, amount, paid_on, created_by_id in partly
            ],
        )

    def visits(self):
        """First round for most, "回头看" for a quarter, a few drafts; the risk findings sit
        on the latest submitted visit."""
        rng = self.rng
        rows = []
        for plan in self.planned:
            institution = plan.institution
            if plan.new and rng.random() < 0.7:
                continue  # "四看"·四看: found or established this year, not screened yet
            staff = plan.township.staff
            if plan.large:
                use = rng.choices(list(FundUse.values), weights=(0.1, 0.2, 0.5, 0.1, 0.1), k=1)[0]
            elif plan.payers:
                use = rng.choice((FundUse.OPERATIONS, FundUse.OPERATIONS, FundUse.NONE))
            else:
                use = FundUse.NONE
            flags = {
                "false_advertising": rng.random() < 0.02,
                "promised_returns": rng.random() < 0.004,
                "suspected_crime": rng.random() < 0.004,
                "collapsed": rng.random() < 0.002,
                "public_opinion": rng.random() < 0.003,
            }
            rounds = [ScreeningRound.FIRST]
            if rng.random() < 0.25:
                rounds.append(ScreeningRound.LOOK_BACK)
            day = self.ago(rng.randint(60, 300))
            for k, screening_round in enumerate(rounds):
                draft = k == len(rounds) - 1 and rng.random() < 0.04
                last = k == len(rounds) - 1
                values = flags if last else {}
                three_musts = rng.random() < 0.7
                rows.append(
                    ScreeningVisit(
                        institution=institution,
                        visited_on=day,
                        staff=staff,
                        companions=rng.choice(("村（社区）干部", "网格员", "")),
                        method=rng.choices(
                            list(VisitMethod.values), weights=(0.8, 0.15, 0.05), k=1
                        )[0],
                        round=screening_round,
                        status=VisitStatus.DRAFT if draft else VisitStatus.SUBMITTED,
                        submitted_at=None
                        if draft
                        else self.now - timedelta(days=(self.today - day).days),
                        operating_entity=institution.name,
                        marketing_methods=rng.choice(MARKETING),
                        charging_methods=rng.choice(CHARGING),
                        large_prepayment_found=YesNoUnknown.YES if plan.large else YesNoUnknown.NO,
                        prepayment_payers_reported=plan.payers or None,
                        fund_use=use,
                        poster_displayed=three_musts or rng.random() < 0.5,
                        notice_to_every_resident=three_musts,
                        commitment_letter_signed=three_musts,
                        findings="未发现异常"
                        if not any(values.values())
                        else "发现风险隐患，需跟进",
                        scope_path=institution.scope_path,
                        created_by=staff,
                        **values,
                    )
                )
                day = min(day + timedelta(days=rng.randint(20, 90)), self.ago(1))
        self._bulk(ScreeningVisit, rows)

    def other_records(self):
        """Finances, branches and related companies (Y1–Y5, R3 and the compliance checks)."""
        rng = self.rng
        finances, branches, companies = [], [], []
        for plan in self.planned:
            institution = plan.institution
            scope = dict(scope_path=institution.scope_path, created_by=plan.township.staff)
            if not institution.is_venue and rng.random() < 0.4:
                assets = Decimal(rng.randrange(500_000, 30_000_000, 1000))
                finances.append(
                    FinancialSnapshot(
                        institution=institution,
                        as_of=date(self.today.year - 1, 12, 31),
                        total_assets=assets,
                        total_liabilities=(assets * Decimal(rng.uniform(0.2, 1.1))).quantize(
                            Decimal("1")
                        ),
                        net_fixed_assets=(assets * Decimal(rng.uniform(0.3, 0.8))).quantize(
                            Decimal("1")
                        ),
                        source=rng.choice(("年度审计报告", "年度报告", "财务报表")),
                        **scope,
                    )
                )
            if not institution.is_venue and rng.random() < 0.08:
                for k in range(rng.choice((1, 1, 2, 3, 4))):
                    branches.append(
                        Branch(
                            institution=institution,
                            name=f"{institution.name}第{k + 1}服务网点",
                            address=f"{plan.township.unit.name}{rng.randint(1, 299)}号",
                            opened_on=self.ago(rng.randint(30, 1800)),
                            **scope,
                        )
                    )
            if rng.random() < 0.04:
                name = f"{plan.township.unit.name[:2]}{rng.choice(INSTITUTION_STEMS)}"
                name += rng.choice(COMPANY_SUFFIX)
                companies.append(
                    RelatedCompany(
                        institution=institution,
                        name=name,
                        normalised_name=normalise_name(name),
                        relation=rng.choice(("同一投资人", "母公司", "法定代表人控制")),
                        has_transactions=rng.random() < 0.5,
                        **scope,
                    )
                )
        self._bulk(FinancialSnapshot, finances)
        self._bulk(Branch, branches)
        self._bulk(RelatedCompany, companies)

    def outside_records(self):
        """Lawsuits, blacklists and complaints, matched as an import would match them (by ID
        number or credit code), plus a few left unmatched."""
        rng = self.rng
        suits, blacklist, complaints = [], [], []

        def matched(plan, **values):
            county = plan.township.county.unit
            return dict(
                unit=county,
                scope_path=county.path,
                match_status=MatchStatus.MATCHED,
                matched_at=self.now - timedelta(days=30),
                created_by=self.county_reviewers[county.pk],
                **values,
            )

        for plan, person in self.key_persons:
            draw = rng.random()
            if draw < 0.015 and person.id_number:
                self._case_counter += 1
                economic = rng.random() < 0.4
                suits.append(
                    Lawsuit(
                        subject_name=person.name,
                        normalised_name=person.normalised_name,
                        id_number=person.id_number,
                        person=person,
                        case_number=f"（{self.today.year - 1}）{plan.township.county.code}"
                        f"刑初{self._case_counter}号",
                        court=f"{plan.township.county.unit.name}人民法院",
                        cause="非法吸收公众存款" if economic else "合同纠纷",
                        economic_crime=economic,
                        filed_on=self.ago(rng.randint(30, 700)),
                        **matched(plan),
                    )
                )
            elif draw < 0.023 and person.id_number:
                blacklist.append(
                    BlacklistEntry(
                        subject_name=person.name,
                        normalised_name=person.normalised_name,
                        id_number=person.id_number,
                        person=person,
                        list_kind=BlacklistKind.CREDIT_CHINA,
                        reason="失信被执行人",
                        listed_on=self.ago(rng.randint(30, 900)),
                        **matched(plan),
                    )
                )
            elif draw < 0.028:
                complaints.append(
                    Complaint(
                        subject_name=person.name,
                        normalised_name=person.normalised_name,
                        id_number=person.id_number,
                        person=person if person.id_number else None,
                        received_on=self.ago(rng.randint(5, 300)),
                        channel="12345",
                        content="反映其推销养老服务会员卡",
                        **matched(plan),
                    )
                )
        for plan in self.planned:
            institution = plan.institution
            draw = rng.random()
            if draw < 0.03:
                for _ in range(rng.choice((1, 1, 2))):
                    complaints.append(
                        Complaint(
                            subject_name=institution.name,
                            normalised_name=normalise_name(institution.name),
                            credit_code=institution.credit_code,
                            institution=institution,
                            received_on=self.ago(rng.randint(5, 300)),
                            channel=rng.choice(("12345", "12337", "来信")),
                            content="反映收取押金后拒不退还",
                            **matched(plan),
                        )
                    )
            elif draw < 0.035 and institution.credit_code:
                blacklist.append(
                    BlacklistEntry(
                        subject_name=institution.name,
                        normalised_name=normalise_name(institution.name),
                        credit_code=institution.credit_code,
                        institution=institution,
                        list_kind=rng.choice((BlacklistKind.ELDER_CARE, BlacklistKind.ENTERPRISE)),
                        reason="严重违法失信",
                        listed_on=self.ago(rng.randint(30, 900)),
                        **matched(plan),
                    )
                )
            elif draw < 0.04:
                # Unmatched: a suit against someone the registry does not know.
                county = plan.township.county.unit
                self._case_counter += 1
                name = self.person_name()
                suits.append(
                    Lawsuit(
                        subject_name=name,
                        normalised_name=normalise_name(name),
                        case_number=f"（{self.today.year - 1}）{plan.township.county.code}"
                        f"民初{self._case_counter}号",
                        cause="民间借贷纠纷",
                        filed_on=self.ago(rng.randint(30, 700)),
                        unit=county,
                        scope_path=county.path,
                    )
                )
        self._bulk(Lawsuit, suits)
        self._bulk(BlacklistEntry, blacklist)
        # 甄别 (issue 14): most complaints were verified as substantiated a few days after
        # they came in, one in ten was found groundless and one in ten still waits. Decided by
        # position, not by the seed's draws, so that every other row stays as it was.
        for n, complaint in enumerate(complaints):
            if n % 10 == 9:
                continue
            complaint.verified_on = min(complaint.received_on + timedelta(days=4), self.today)
            if n % 10 == 8:
                complaint.verification = Verification.GROUNDLESS
                complaint.verification_note = "经核查，查无实据"
            else:
                complaint.verification = Verification.SUBSTANTIATED
        self._bulk(Complaint, complaints)

    def leads_and_lists(self):
        """Leads from 12337/12345 (some about an institution), shared-list candidates and the
        official counts of the "四看" review."""
        rng = self.rng
        leads, entries, counts = [], [], []
        statuses = list(LeadStatus.values)
        for plan in self.planned:
            if rng.random() >= 0.025:
                continue
            institution = plan.institution
            status = rng.choice(statuses)
            received = self.ago(rng.randint(3, 300))
            leads.append(
                Lead(
                    unit=plan.township.unit,
                    institution=institution,
                    channel=rng.choice((LeadChannel.PLATFORM_12337, LeadChannel.HOTLINE_12345)),
                    received_on=received,
                    reporter_name=self.person_name(),
                    reporter_phone=self.phone(),
                    subject=f"举报{institution.name}收取高额会员费",
                    content="群众反映该机构以高额回报为诱饵推销床位。",
                    status=status,
                    is_fraud_related=None if status == LeadStatus.RECEIVED else rng.random() < 0.4,
                    verified_on=None
                    if status == LeadStatus.RECEIVED
                    else received + timedelta(days=3),
                    handler=plan.township.staff,
                    scope_path=institution.scope_path,
                    created_by=plan.township.staff,
                )
            )
        for township in self.townships:
            unit = township.unit
            counts.append(
                OfficialCount(
                    unit=unit,
                    as_of=self.campaign,
                    institutions=max(0, int(INSTITUTIONS_PER_TOWNSHIP * rng.uniform(0.6, 0.95))),
                    scope_path=unit.path,
                )
            )
            if rng.random() < 0.3:
                name = f"{unit.name[:2]}{rng.choice(INSTITUTION_STEMS)}{rng.choice(VENUE_KINDS)}"
                entries.append(
                    SharedListEntry(
                        subject_name=name,
                        normalised_name=normalise_name(name),
                        source=rng.choice(list(SharedListSource.values)),
                        address=f"{unit.name}{rng.randint(1, 299)}号",
                        business_scope="养老服务；健康咨询",
                        township=unit,
                        unit=township.county.unit,
                        scope_path=unit.path,
                    )
                )
        # One in five leads verified as fraud related and handled was found groundless.
        handled = (LeadStatus.HANDLED, LeadStatus.FED_BACK)
        for n, lead in enumerate(leads):
            if lead.status in handled and lead.is_fraud_related and n % 5 == 0:
                lead.groundless_on = min(lead.verified_on + timedelta(days=10), self.today)
                lead.groundless_reason = "经查办，查无实据"
        self._bulk(Lead, leads)
        self._bulk(SharedListEntry, entries)
        self._bulk(OfficialCount, counts)

    def reporting(self):
        """Working groups (附件1), publicity (附件5) and last week's reports (附件6)."""
        rng = self.rng
        members, activities, reports = [], [], []
        for county in self.counties:
            for order, role in enumerate(
                (
                    GroupRole.LEADER,
                    GroupRole.DEPUTY,
                    GroupRole.MEMBER,
                    GroupRole.MEMBER,
                    GroupRole.MEMBER,
                    GroupRole.LIAISON,
                )
            ):
                members.append(
                    WorkingGroupMember(
                        unit=county.unit,
                        role=role,
                        name=self.person_name(),
                        unit_name=f"{county.unit.name}民政局",
                        post=rng.choice(("局长", "副局长", "养老股股长", "科员")),
                        phone=f"0734-{rng.randrange(10**7):07d}",
                        order=order,
                        scope_path=county.unit.path,
                    )
                )
        last_week = ReportingWeek.containing_deadline_on(self.ago(7))
        for township in self.townships:
            unit = township.unit
            for _ in range(rng.randint(4, 10)):
                place_type = rng.choice(list(PlaceType.values))
                activities.append(
                    PublicityActivity(
                        township=unit,
                        held_on=self.ago(rng.randint(1, 60)),
                        place_type=place_type,
                        place_name=rng.choice(township.villages).name,
                        posters=rng.randint(0, 30),
                        banners=rng.randint(0, 5),
                        leaflets=rng.randint(0, 300),
                        videos=rng.randint(0, 3),
                        participants=rng.randint(10, 200),
                        scope_path=unit.path,
                        created_by=township.staff,
                    )
                )
            submitted = rng.random() < 0.9
            reports.append(
                WeeklyReport(
                    township=unit,
                    year=last_week.year,
                    week=last_week.week,
                    summary="本周开展入户排查和宣传活动，未发现新的重大风险。",
                    status=WeeklyStatus.SUBMITTED if submitted else WeeklyStatus.DRAFT,
                    submitted_at=self.now - timedelta(days=7) if submitted else None,
                    submitted_by=township.staff if submitted else None,
                    rectified=rng.randint(0, 2),
                    closed_or_banned=rng.randint(0, 1),
                    funds_refunded=Decimal(rng.randint(0, 50)),
                    scope_path=unit.path,
                    created_by=township.staff,
                )
            )
        self._bulk(WorkingGroupMember, members)
        self._bulk(PublicityActivity, activities)
        self._bulk(WeeklyReport, reports)

    def entered(self):
        """Every row entered a month ago (``created_at``), not at the moment of generation:
        the packs read their week as of its deadline (``core.asof``), and a province whose
        rows were all "entered today" would have nothing to show for last week. Dates and
        the rating's own moments are untouched."""
        settle_entered(
            self.province.path, self.now - timedelta(days=30), self.now - timedelta(days=6)
        )

    # --- the rating, its review and disposal ----------------------------------------------
    def ratings(self):
        """Last week's rating, by the product's own services (a week ago, so that tonight's
        rating finds what moved since)."""
        from risklists import services
        from risklists.models import Assessment

        ids = list(
            Institution.objects.filter(scope_path__startswith=self.province.path)
            .active()
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        chunk = 2000
        week_ago = self.now - timedelta(days=7)
        for start in range(0, len(ids), chunk):
            services.rate(
                Institution.objects.filter(pk__in=ids[start : start + chunk]),
                today=self.ago(7),
                now=week_ago,
            )
        self.summary.add(
            "assessment",
            Assessment.objects.filter(scope_path__startswith=self.province.path).count(),
        )

    def approvals(self):
        """Last week's review, through the rating's own bulk services: each township's staff
        submitted most of their proposals (``submit_many``), and the county section approved
        three quarters of them (``approve_many``), which applies the levels' disposal actions
        (``disposal.services.actions.apply_levels``, hearing ``ratings_approved``); the rest
        wait for the township."""
        from risklists import services
        from risklists.models import RatingState

        rng = self.rng
        proposals = list(
            RatingState.objects.filter(institution__scope_path__startswith=self.province.path)
            .order_by("institution_id")
            .values_list("institution_id", "proposal_id")
        )
        plans = {p.institution.pk: p for p in self.planned}
        submitted: dict[int, list[int]] = {}  # township staff -> proposals
        approved: dict[int, list[int]] = {}  # county reviewer -> proposals
        for institution_id, proposal_id in proposals:
            draw = rng.random()
            if draw >= 0.85:
                continue
            township = plans[institution_id].township
            submitted.setdefault(township.staff.pk, []).append(proposal_id)
            if draw < 0.75:
                reviewer = self.county_reviewers[township.county.unit.pk]
                approved.setdefault(reviewer.pk, []).append(proposal_id)
        reviewed_at = self.now - timedelta(days=6)
        users = User.objects.select_related("unit").in_bulk([*submitted, *approved])
        for staff_id, ids in submitted.items():
            services.submit_many(
                user=users[staff_id], assessments=ids, now=reviewed_at - timedelta(days=1)
            )
        for reviewer_id, ids in approved.items():
            services.approve_many(user=users[reviewer_id], assessments=ids, now=reviewed_at)
        self.summary.add("levelchange", sum(len(ids) for ids in approved.values()))

    def disposal(self):
        """The actions the approved levels required, at various stages (as townships follow
        them: the data the boards and packs read), and the 清零 ledger entries of the venues."""
        rng = self.rng
        ids = list(
            DisposalAction.objects.filter(scope_path__startswith=self.province.path)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        # The rows that end alike are written together: a few dozen updates, not one a row.
        stages: dict[tuple, list[int]] = {}
        for pk in ids:
            status = rng.choices(list(ActionStatus.values), weights=(0.3, 0.3, 0.37, 0.03), k=1)[0]
            values = {"status": status}
            if status == ActionStatus.DONE:
                values["carried_out_on"] = self.ago(rng.randint(0, 5))
                values["completed_on"] = self.ago(rng.randint(0, 5))
            elif status == ActionStatus.NOT_APPLICABLE:
                values["status_reason"] = "经核实不适用"
            stages.setdefault(tuple(sorted(values.items())), []).append(pk)
        actions = DisposalAction.objects.filter(scope_path__startswith=self.province.path)
        for values, pks in stages.items():
            for start in range(0, len(pks), self.batch_size):
                actions.filter(pk__in=id_array(pks[start : start + self.batch_size])).update(
                    **dict(values)
                )
        # Open past its deadline: flagged on the first day it was overdue, as the nightly
        # task does.
        actions.filter(status=ActionStatus.OPEN, deadline__lt=self.today).update(
            overdue_since=F("deadline")
        )
        in_province = {"scope_path__startswith": self.province.path}
        self.summary.add("disposalcase", DisposalCase.objects.filter(**in_province).count())
        self.summary.add("disposalaction", len(ids))
        entries = []
        for plan in self.planned:
            if not plan.institution.is_venue or rng.random() >= 0.5:
                continue
            status = rng.choice(list(ZeroingStatus.values))
            entries.append(
                ZeroingEntry(
                    institution=plan.institution,
                    responsible_user=plan.township.staff,
                    status=status,
                    crossed_off_on=self.ago(rng.randint(1, 60))
                    if status == ZeroingStatus.CROSSED_OFF
                    else None,
                    outcome="registered" if status == ZeroingStatus.CROSSED_OFF else "",
                    target_outcome="register" if status == ZeroingStatus.CROSSED_OFF else "",
                    scope_path=plan.institution.scope_path,
                    created_by=plan.township.staff,
                )
            )
        self._bulk(ZeroingEntry, entries)


def settle_entered(path: str, entered: datetime, reviewed: datetime) -> None:
    """``created_at`` of the rows under ``path`` no later than ``entered``, and the history
    rows the review's services wrote while generating (the disposal cases and actions of
    the approvals, dated as written) no later than the review (``reviewed``): a row that
    seems changed after a pack's deadline is read from its history, and a generated
    province would otherwise seem to have changed everything since last week."""
    from django.apps import apps

    for model in apps.get_models():
        names = {f.name for f in model._meta.concrete_fields}
        if {"created_at", "scope_path"} <= names:
            rows = model._default_manager.filter(scope_path__startswith=path)
            rows.filter(created_at__gt=entered).update(created_at=entered)
            history = getattr(model, "history", None)
            if history is not None and model._meta.app_label == "disposal":
                history.filter(history_date__gt=reviewed, id__in=rows.values("pk")).update(
                    history_date=reviewed
                )
