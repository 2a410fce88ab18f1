"""The facts builder against hand-built records, and its cost in queries."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core import clock
from institutions.models import Institution, RegistrationStatus
from risklists.engine import Facts, Thresholds, evaluate
from risklists.facts import build_facts
from risklists.services import rate
from screening.models import (
    BlacklistEntry,
    BlacklistKind,
    Branch,
    Complaint,
    FinancialSnapshot,
    Lawsuit,
    Lead,
    LeadChannel,
    LeadStatus,
    MatchStatus,
    Person,
    PersonRole,
    PersonRoleKind,
    PrepaymentKind,
    PrepaymentRecord,
    RegistrationChange,
    RelatedCompany,
    Verification,
    VisitStatus,
)
from tests.factories import InstitutionFactory, VenueFactory, make_credit_code

from .factories import invest, pay, visit

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 23)


def test_a_venue_is_not_registered_and_an_institution_is(township):
    registered = InstitutionFactory(
        township=township, registration_status=RegistrationStatus.REGISTERED_NOT_FILED
    )
    venue = VenueFactory(township=township)
    facts = build_facts([registered, venue], Thresholds(), TODAY)
    assert facts[registered.pk].registered is True
    assert facts[venue.pk].registered is False


def test_beds_come_from_the_registry_and_unknown_beds_are_zero(township):
    known = InstitutionFactory(township=township, beds=80)
    unknown = InstitutionFactory(township=township, beds=None)
    facts = build_facts(Institution.objects.all(), Thresholds(), TODAY)
    assert facts[known.pk].beds == 80
    assert facts[unknown.pk].beds == 0


def test_institutions_without_records_get_neutral_facts_and_rate_green(township):
    institution = InstitutionFactory(township=township)
    facts = build_facts([institution.pk], Thresholds(), TODAY)[institution.pk]
    assert facts == Facts(registered=True, beds=institution.beds)
    assert evaluate(facts).level == "green"


def test_prepayments_visit_and_finances_reach_the_rules_end_to_end(township, township_user):
    institution = InstitutionFactory(township=township, beds=1)
    invest(institution, "王奶奶", "80000")
    invest(institution, "李爷爷", "20000")
    visit(institution, township_user, fund_use="irregular")
    FinancialSnapshot.objects.create(
        institution=institution,
        as_of=date(2026, 6, 30),
        total_assets=Decimal("50000"),
        total_liabilities=Decimal("300000"),
    )
    facts = build_facts([institution], Thresholds(), TODAY)[institution.pk]
    assert facts.large_prepayment_total == Decimal("100000")
    assert facts.large_prepayment_payers == 2
    assert facts.fund_use == "irregular"
    assert facts.insolvent
    assessment = evaluate(facts)
    assert assessment.level == "red"
    assert set(assessment.codes) == {"O4", "O5", "R3"}


def test_an_unregistered_venue_taking_large_prepayments_is_red(township):
    venue = VenueFactory(township=township)
    invest(venue)
    facts = build_facts([venue], Thresholds(), TODAY)[venue.pk]
    # and, no visit having recorded the use of the funds, V1 待核实 beside it
    assert evaluate(facts).codes == ["V1", "R1"]


def test_dated_changes_are_counted_as_of_today(township):
    institution = InstitutionFactory(township=township)
    for day in (date(2025, 1, 10), date(2026, 3, 1)):
        RegistrationChange.objects.create(
            institution=institution, kind="legal_representative", changed_on=day
        )
    assert build_facts([institution], Thresholds(), TODAY)[institution.pk].legal_rep_changes_2y == 2
    later = date(2027, 2, 1)  # the 2025 change has left the 24-month window
    assert build_facts([institution], Thresholds(), later)[institution.pk].legal_rep_changes_2y == 1


def test_thresholds_decide_what_counts_as_a_large_prepayment(township):
    institution = InstitutionFactory(township=township)
    pay(institution, "王奶奶", PrepaymentKind.MEMBERSHIP, "13000", monthly_fee="2000")  # 6.5×
    default = build_facts([institution], Thresholds(), TODAY)[institution.pk]
    stricter = build_facts([institution], Thresholds(prepaid_fee_months=7), TODAY)[institution.pk]
    assert default.large_prepayment_total == Decimal("13000")
    assert stricter.large_prepayment_total == 0


def hand_built(institution, township, county, staff):
    """Every kind of record the facts come from, including ones that must NOT count."""
    # Prepayments (outstanding = amount - refunded), per payer.
    pay(institution, "甲", PrepaymentKind.MEMBERSHIP, "26000", monthly_fee="2000")  # 13 months
    pay(institution, "乙", PrepaymentKind.DEPOSIT, "30000", monthly_fee="2000")  # 15× bed fee
    pay(institution, "丙", PrepaymentKind.TOP_UP, "3000", monthly_fee="2000")  # not large
    promised = pay(institution, "丁", PrepaymentKind.INVESTMENT, "10000", promised=True)  # 炒床位
    pay(institution, "戊", PrepaymentKind.DEPOSIT, "5000", refunded_amount=Decimal("5000"))
    # Visits: a finding of any submitted visit stays found; the fund use is the latest one
    # stated (a later visit that leaves it blank keeps it); a draft does not count.
    older = visit(institution, staff, day=date(2026, 3, 1), fund_use="irregular")
    older.false_advertising = True
    older.save()
    found = visit(
        institution,
        staff,
        day=date(2026, 6, 1),
        fund_use="facility_construction",
        suspected_crime=True,
        collapsed=True,
        public_opinion=True,
    )
    visit(institution, staff, day=date(2026, 6, 15))  # finds nothing, states no fund use
    visit(
        institution,
        staff,
        day=date(2026, 7, 1),
        status=VisitStatus.DRAFT,
        fund_use="unknown",
        promised_returns=True,
    )
    # Finances: the latest snapshot.
    FinancialSnapshot.objects.create(
        institution=institution, as_of=date(2025, 6, 30), total_assets=1, total_liabilities=9
    )
    FinancialSnapshot.objects.create(
        institution=institution,
        as_of=date(2026, 6, 30),
        total_assets=Decimal("500000"),
        total_liabilities=Decimal("100000"),
        net_fixed_assets=Decimal("40000"),
    )
    # Branches in the last 36 months; changes in the last 24 months.
    for day in (date(2024, 1, 1), date(2025, 5, 1), date(2026, 2, 1), date(2022, 1, 1)):
        Branch.objects.create(institution=institution, name=f"服务点{day}", opened_on=day)
    for kind, day in (
        ("legal_representative", date(2026, 1, 1)),
        ("registered_address", date(2025, 3, 1)),
        ("registered_address", date(2026, 4, 1)),
        ("registered_address", date(2023, 4, 1)),
        ("name", date(2026, 4, 1)),
    ):
        RegistrationChange.objects.create(institution=institution, kind=kind, changed_on=day)
    related = RelatedCompany.objects.create(
        institution=institution, name="某某投资公司", has_transactions=True
    )
    RelatedCompany.objects.create(institution=institution, name="某某物业公司")
    # Persons: a current principal, and a former legal representative whose records do not count.
    current = Person.objects.create(name="张建国", unit=township)
    former = Person.objects.create(name="李前任", unit=township)
    PersonRole.objects.create(
        institution=institution, person=current, kind=PersonRoleKind.PRINCIPAL
    )
    PersonRole.objects.create(
        institution=institution,
        person=former,
        kind=PersonRoleKind.LEGAL_REPRESENTATIVE,
        ended_on=date(2025, 1, 1),
    )
    matched = {"unit": county, "match_status": MatchStatus.MATCHED}
    Lawsuit.objects.create(
        **matched,
        subject_name="张建国",
        person=current,
        case_number="(2026)湘0423刑初1号",
        cause="集资诈骗",
        economic_crime=True,
    )
    Lawsuit.objects.create(
        **matched,
        subject_name="李前任",
        person=former,
        case_number="(2026)湘0423刑初2号",
        cause="合同诈骗",
        economic_crime=True,
    )
    BlacklistEntry.objects.create(
        unit=county,
        match_status=MatchStatus.CONFIRMED,
        subject_name="张建国",
        person=current,
        list_kind=BlacklistKind.CREDIT_CHINA,
    )
    # Complaints count once verified as substantiated (甄别), matched for sure, on the
    # institution or a current key person.
    complaint = {
        "received_on": date(2026, 10, 1),
        "content": "退费难",
        "verification": Verification.SUBSTANTIATED,
    }
    on_institution = Complaint.objects.create(
        **matched, **complaint, subject_name="机构", institution=institution
    )
    on_principal = Complaint.objects.create(
        **matched, **complaint, subject_name="张建国", person=current
    )
    Complaint.objects.create(**matched, **complaint, subject_name="李前任", person=former)
    Complaint.objects.create(
        unit=county,
        match_status=MatchStatus.PENDING,
        subject_name="机构",
        institution=institution,
        **complaint,
    )
    for verification in (Verification.PENDING, Verification.GROUNDLESS):
        Complaint.objects.create(
            **matched,
            **{**complaint, "verification": verification},
            subject_name="机构",
            institution=institution,
        )
    # Leads count once verified as fraud related, until found groundless.
    leads = {}
    for key, status, fraud, groundless in (
        ("received", LeadStatus.RECEIVED, None, None),
        ("counted", LeadStatus.VERIFIED, True, None),
        ("unrelated", LeadStatus.VERIFIED, False, None),
        ("groundless", LeadStatus.HANDLED, True, date(2026, 10, 9)),
    ):
        leads[key] = Lead.objects.create(
            unit=township,
            institution=institution,
            channel=LeadChannel.PLATFORM_12337,
            received_on=date(2026, 10, 2),
            subject="线索",
            content="线索内容",
            status=status,
            is_fraud_related=fraud,
            groundless_on=groundless,
        )
    return {
        "promised": promised,
        "found": found,
        "older": older,
        "related": related,
        "complaints": (on_institution, on_principal),
        "lead": leads["counted"],
    }


def source(kind, record, day):
    return {"kind": kind, "id": record.pk, "date": day.isoformat()}


def test_every_fact_comes_from_the_records_by_hand(township, county, township_user):
    institution = InstitutionFactory(township=township, beds=2)
    neighbour = InstitutionFactory(township=township, beds=30)
    built = hand_built(institution, township, county, township_user)

    facts = build_facts([institution, neighbour], Thresholds(), TODAY)

    assert facts[institution.pk] == Facts(
        registered=True,
        beds=2,
        large_prepayment_total=Decimal("66000"),  # 甲 26,000 + 乙 30,000 + 丁 10,000
        large_prepayment_payers=3,
        fund_use="facility_construction",
        assets=Decimal("500000"),
        liabilities=Decimal("100000"),
        branches_opened_3y=3,
        legal_rep_changes_2y=1,
        address_changes_2y=2,
        false_advertising=True,
        related_party_transactions=True,
        person_economic_crime_suit=True,
        complaints=3,  # 2 verified complaints + 1 lead verified as fraud related
        person_blacklisted=True,
        promised_returns=True,
        suspected_crime=True,
        collapsed=True,
        public_opinion=True,
        max_prepaid_months=13,
        max_deposit_ratio=Decimal("15.00"),
        prepayment_payers=4,
        prepayment_total=Decimal("69000"),
        net_fixed_assets=Decimal("40000"),
        sources={
            "false_advertising": (source("visit", built["older"], date(2026, 3, 1)),),
            "suspected_crime": (source("visit", built["found"], date(2026, 6, 1)),),
            "collapsed": (source("visit", built["found"], date(2026, 6, 1)),),
            "public_opinion": (source("visit", built["found"], date(2026, 6, 1)),),
            "promised_returns": (source("prepayment", built["promised"], date(2026, 1, 5)),),
            "related_party_transactions": (
                source("related_company", built["related"], clock.today()),
            ),
            "complaints": (
                *(source("complaint", c, date(2026, 10, 1)) for c in built["complaints"]),
                source("lead", built["lead"], date(2026, 10, 2)),
            ),
        },
    )
    assert facts[neighbour.pk] == Facts(registered=True, beds=30)
    assessment = evaluate(facts[institution.pk])
    assert assessment.level == "red"
    assert set(assessment.codes) == {
        "Y1",
        "Y2",
        "Y3",
        "Y4",
        "Y5",
        "O1",
        "O2",
        "O3",
        "O5",
        "R2",
        "R4",
        "R5",
    }


def bulk_institutions(township, n, offset):
    """``n`` institutions, a third of them venues, each with an investment-type payment."""
    rows = []
    for i in range(n):
        venue = i % 3 == 0
        rows.append(
            Institution(
                name=f"批量养老院{offset + i}",
                registration_status=(
                    RegistrationStatus.UNREGISTERED
                    if venue
                    else RegistrationStatus.REGISTERED_FILED
                ),
                credit_code="" if venue else make_credit_code(offset + i),
                township=township,
                scope_path=township.path,
                beds=10,
            )
        )
    institutions = Institution.objects.bulk_create(rows, batch_size=500)
    ids = [institution.pk for institution in institutions]
    PrepaymentRecord.objects.bulk_create(
        [
            PrepaymentRecord(
                institution_id=pk,
                scope_path=township.path,
                payer_name="王奶奶",
                payer_key="name:王奶奶",
                kind=PrepaymentKind.INVESTMENT,
                amount=Decimal("60000"),
                paid_on=date(2026, 1, 5),
            )
            for pk in ids
        ],
        batch_size=500,
    )
    return Institution.objects.filter(pk__in=ids)


def test_rating_2000_institutions_takes_the_same_queries_as_rating_20(township):
    small = bulk_institutions(township, 20, 0)
    large = bulk_institutions(township, 2000, 1000)
    assert large.count() == 2000
    with CaptureQueriesContext(connection) as ctx_small:
        facts_small = build_facts(small, Thresholds(), TODAY)
    with CaptureQueriesContext(connection) as ctx_large:
        facts_large = build_facts(large, Thresholds(), TODAY)
    assert len(facts_small) == 20 and len(facts_large) == 2000
    assert len(ctx_small.captured_queries) == len(ctx_large.captured_queries)
    assert sum(not f.registered for f in facts_large.values()) == 667
    with CaptureQueriesContext(connection) as ctx_engine:
        levels = {pk: evaluate(f).level for pk, f in facts_large.items()}
    assert len(ctx_engine.captured_queries) == 0  # the engine never touches the database
    assert sum(level == "red" for level in levels.values()) == 667  # the venues: R1


def selects(ctx) -> int:
    return sum(q["sql"].lstrip().upper().startswith("SELECT") for q in ctx.captured_queries)


def test_storing_ratings_reads_the_same_for_20_and_2000_institutions(township):
    """The service's reads are constant; only its batched INSERTs grow with the rows."""
    small = bulk_institutions(township, 20, 0)
    large = bulk_institutions(township, 2000, 1000)
    with CaptureQueriesContext(connection) as ctx_small:
        result_small = rate(small, today=TODAY)
    with CaptureQueriesContext(connection) as ctx_large:
        result_large = rate(large, today=TODAY)
    assert len(result_small.created) == 20 and len(result_large.created) == 2000
    assert selects(ctx_small) == selects(ctx_large)
    assert len(ctx_large.captured_queries) < 200  # a few batched writes, never one per row
