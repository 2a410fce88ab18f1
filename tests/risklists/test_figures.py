"""The figures the rating derives from screening records, with the county's thresholds."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.clock import months_before
from institutions.models import Institution
from risklists.engine import Facts, Thresholds
from risklists.figures import PAGE_ONLY, REGISTRY_FACTS, DerivedFigures, derived_figures
from screening.models import (
    BlacklistEntry,
    Branch,
    ChangeKind,
    Complaint,
    FinancialSnapshot,
    Lawsuit,
    Lead,
    LeadStatus,
    MatchStatus,
    Person,
    PersonRole,
    PersonRoleKind,
    PrepaymentKind,
    RegistrationChange,
    RelatedCompany,
    ScreeningVisit,
    Verification,
    VisitStatus,
)
from tests.factories import InstitutionFactory
from tests.risklists import factories

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 23)


def pay(institution, payer, kind, amount, monthly_fee=None, refunded=0, promised=False, **kw):
    return factories.pay(
        institution,
        payer,
        kind,
        amount,
        monthly_fee=monthly_fee,
        promised=promised,
        refunded_amount=refunded,
        **kw,
    )


def figures_of(institution, thresholds=None):
    thresholds = thresholds or Thresholds()
    return derived_figures([institution.pk], thresholds=thresholds, today=TODAY)[institution.pk]


def test_institution_without_records_gets_neutral_figures(township):
    figures = figures_of(InstitutionFactory(township=township))
    assert figures.large_prepayment_total == 0
    assert figures.large_prepayment_payers == 0
    assert figures.fund_use == ""
    assert figures.assets is None and figures.liabilities is None
    assert not figures.person_blacklisted and figures.complaints == 0


def test_prepaid_fees_above_six_months_fee_are_large_and_at_six_are_not(township):
    institution = InstitutionFactory(township=township)
    pay(institution, "王奶奶", PrepaymentKind.MEMBERSHIP, "12000", monthly_fee="2000")  # 6×: not
    pay(institution, "李爷爷", PrepaymentKind.MEMBERSHIP, "10000", monthly_fee="2000")
    pay(institution, "李爷爷", PrepaymentKind.TOP_UP, "2001", monthly_fee="2000")  # 12001 > 6×
    figures = figures_of(institution)
    assert figures.large_prepayment_total == Decimal("12001")
    assert figures.large_prepayment_payers == 1
    assert figures.prepayment_total == Decimal("24001")
    assert figures.prepayment_payers == 2
    assert figures.max_prepaid_months == 7


def test_refunds_reduce_what_is_outstanding(township):
    institution = InstitutionFactory(township=township)
    pay(
        institution,
        "王奶奶",
        PrepaymentKind.MEMBERSHIP,
        "30000",
        monthly_fee="2000",
        refunded="20000",
    )
    figures = figures_of(institution)
    assert figures.large_prepayment_total == 0
    assert figures.prepayment_total == Decimal("10000")


def test_fees_with_unknown_monthly_fee_are_large_from_fifty_thousand(township):
    institution = InstitutionFactory(township=township)
    pay(institution, "甲", PrepaymentKind.PREPAID_BED_FEE, "49999.99")
    pay(institution, "乙", PrepaymentKind.PREPAID_BED_FEE, "50000")
    figures = figures_of(institution)
    assert figures.large_prepayment_total == Decimal("50000")
    assert figures.large_prepayment_payers == 1


def test_deposit_above_twelve_months_bed_fee_is_large(township):
    institution = InstitutionFactory(township=township)
    pay(institution, "甲", PrepaymentKind.DEPOSIT, "24000", monthly_fee="2000")  # 12×: not
    pay(institution, "乙", PrepaymentKind.DEPOSIT, "24001", monthly_fee="2000")
    figures = figures_of(institution)
    assert figures.large_prepayment_total == Decimal("24001")
    assert figures.max_deposit_ratio == Decimal("12.00")


def test_investments_and_promised_returns_are_always_large(township):
    institution = InstitutionFactory(township=township)
    pay(institution, "甲", PrepaymentKind.INVESTMENT, "1000")
    pay(institution, "乙", PrepaymentKind.MEMBERSHIP, "500", monthly_fee="2000", promised=True)
    figures = figures_of(institution)
    assert figures.large_prepayment_total == Decimal("1500")
    assert figures.large_prepayment_payers == 2
    assert figures.promised_returns


def test_payers_are_counted_by_id_number_before_name(township):
    institution = InstitutionFactory(township=township)
    pay(
        institution,
        "王秀英",
        PrepaymentKind.INVESTMENT,
        "100",
        payer_id_number="11010519491231002X",
    )
    pay(
        institution,
        "王 秀英",
        PrepaymentKind.INVESTMENT,
        "100",
        payer_id_number="11010519491231002X",
    )
    pay(institution, "王秀英", PrepaymentKind.INVESTMENT, "100")
    assert figures_of(institution).large_prepayment_payers == 2


def test_findings_of_every_submitted_visit_stay_and_the_latest_stated_fund_use_counts(
    township, township_user
):
    institution = InstitutionFactory(township=township)

    def visit(day, status=VisitStatus.SUBMITTED, **findings):
        ScreeningVisit.objects.create(
            institution=institution, visited_on=day, staff=township_user, status=status, **findings
        )

    visit(date(2026, 3, 1), fund_use="irregular", false_advertising=True, collapsed=True)
    visit(date(2026, 6, 1), fund_use="facility_construction", suspected_crime=True)
    visit(date(2026, 8, 1))  # a plain visit: adds nothing, removes nothing
    visit(date(2026, 9, 1), status=VisitStatus.DRAFT, fund_use="unknown", public_opinion=True)
    figures = figures_of(institution)
    assert figures.fund_use == "facility_construction"
    assert figures.suspected_crime and figures.collapsed and figures.false_advertising
    assert not figures.public_opinion  # a draft does not count


def test_latest_financial_snapshot_is_used(township):
    institution = InstitutionFactory(township=township)
    FinancialSnapshot.objects.create(
        institution=institution, as_of=date(2024, 12, 31), total_assets=1, total_liabilities=9
    )
    FinancialSnapshot.objects.create(
        institution=institution,
        as_of=date(2025, 12, 31),
        total_assets=Decimal("500000"),
        total_liabilities=Decimal("800000"),
        net_fixed_assets=Decimal("300000"),
    )
    figures = figures_of(institution)
    assert (figures.assets, figures.liabilities) == (Decimal("500000"), Decimal("800000"))
    assert figures.net_fixed_assets == Decimal("300000")


def test_branches_and_changes_are_counted_within_their_windows(township):
    institution = InstitutionFactory(township=township)
    for day in [date(2023, 11, 24), date(2024, 5, 1), date(2026, 1, 1)]:
        Branch.objects.create(institution=institution, name=f"网点{day}", opened_on=day)
    Branch.objects.create(institution=institution, name="老网点", opened_on=date(2023, 11, 23))
    for day in [date(2024, 11, 24), date(2025, 6, 1)]:
        RegistrationChange.objects.create(
            institution=institution, kind=ChangeKind.LEGAL_REPRESENTATIVE, changed_on=day
        )
    RegistrationChange.objects.create(
        institution=institution, kind=ChangeKind.LEGAL_REPRESENTATIVE, changed_on=date(2024, 11, 23)
    )
    RegistrationChange.objects.create(
        institution=institution, kind=ChangeKind.REGISTERED_ADDRESS, changed_on=date(2026, 2, 1)
    )
    figures = figures_of(institution)
    assert figures.branches_opened_3y == 3
    assert figures.legal_rep_changes_2y == 2
    assert figures.address_changes_2y == 1


def test_related_party_transactions_need_transactions(township):
    institution = InstitutionFactory(township=township)
    RelatedCompany.objects.create(institution=institution, name="某某健康管理有限公司")
    assert not figures_of(institution).related_party_transactions
    RelatedCompany.objects.create(institution=institution, name="某某商贸", has_transactions=True)
    assert figures_of(institution).related_party_transactions


def key_person(institution, name, id_number="", ended_on=None):
    person = Person.objects.create(name=name, id_number=id_number, unit=institution.township)
    PersonRole.objects.create(
        institution=institution,
        person=person,
        kind=PersonRoleKind.LEGAL_REPRESENTATIVE,
        ended_on=ended_on,
    )
    return person


def test_outside_records_count_only_sure_matches_of_current_key_persons(township, county):
    institution = InstitutionFactory(township=township)
    rep = key_person(institution, "张建国", "11010519491231002X")
    former = key_person(institution, "赵前任", ended_on=date(2024, 1, 1))
    common = {"unit": county, "subject_name": "x"}
    Lawsuit.objects.create(
        case_number="(2025)湘0423刑初1号",
        cause="诈骗",
        economic_crime=True,
        person=former,
        match_status=MatchStatus.MATCHED,
        **common,
    )
    Lawsuit.objects.create(
        case_number="(2025)湘0423刑初2号",
        cause="非法吸收公众存款",
        economic_crime=True,
        person=rep,
        match_status=MatchStatus.PENDING,
        **common,
    )
    BlacklistEntry.objects.create(
        list_kind="credit_china", person=rep, match_status=MatchStatus.PENDING, **common
    )
    figures = figures_of(institution)
    assert not figures.person_economic_crime_suit
    assert not figures.person_blacklisted

    Lawsuit.objects.update(match_status=MatchStatus.CONFIRMED)
    BlacklistEntry.objects.update(match_status=MatchStatus.MATCHED)
    figures = figures_of(institution)
    assert figures.person_economic_crime_suit
    assert figures.person_blacklisted


def test_removed_blacklisting_no_longer_counts(township, county):
    institution = InstitutionFactory(township=township)
    BlacklistEntry.objects.create(
        unit=county,
        subject_name=institution.name,
        list_kind="elder_care",
        institution=institution,
        match_status=MatchStatus.MATCHED,
        removed_on=date(2026, 1, 1),
    )
    assert not figures_of(institution).person_blacklisted


def test_complaints_and_leads_count_once_verified_and_stop_when_groundless(township, county):
    institution = InstitutionFactory(township=township)
    rep = key_person(institution, "张建国")
    complaint = dict(unit=county, received_on=TODAY, content="退费难")
    on_rep = Complaint.objects.create(
        **complaint,
        subject_name="张建国",
        person=rep,
        match_status=MatchStatus.CONFIRMED,
        verification=Verification.SUBSTANTIATED,
    )
    for match, verification in (
        (MatchStatus.PENDING, Verification.SUBSTANTIATED),  # a name match not yet confirmed
        (MatchStatus.MATCHED, Verification.PENDING),  # not yet verified
        (MatchStatus.MATCHED, Verification.GROUNDLESS),  # found groundless
    ):
        Complaint.objects.create(
            **complaint,
            subject_name="x",
            institution=institution,
            match_status=match,
            verification=verification,
        )
    lead = dict(
        unit=township,
        institution=institution,
        channel="12337",
        received_on=TODAY,
        subject=institution.name,
        content="办卡",
    )
    Lead.objects.create(**lead)  # received, not verified
    Lead.objects.create(**lead, status=LeadStatus.VERIFIED, is_fraud_related=False)
    counted = Lead.objects.create(**lead, status=LeadStatus.VERIFIED, is_fraud_related=True)
    Lead.objects.create(
        **lead,
        status=LeadStatus.HANDLED,
        is_fraud_related=True,
        groundless_on=TODAY,
        groundless_reason="查无实据",
    )
    figures = figures_of(institution)
    assert figures.complaints == 2
    assert figures.sources["complaints"] == (
        {"kind": "complaint", "id": on_rep.pk, "date": TODAY.isoformat()},
        {"kind": "lead", "id": counted.pk, "date": TODAY.isoformat()},
    )


def test_figures_take_the_same_queries_for_one_and_many_institutions(township, county):
    def build(n):
        institutions = InstitutionFactory.create_batch(n, township=township)
        for institution in institutions:
            pay(institution, "甲", PrepaymentKind.INVESTMENT, "100")
            key_person(institution, f"人{institution.pk}")
        return Institution.objects.filter(pk__in=[i.pk for i in institutions])

    def count(queryset):
        with CaptureQueriesContext(connection) as ctx:
            result = derived_figures(queryset, today=TODAY, thresholds=Thresholds())
        assert all(f.large_prepayment_payers == 1 for f in result.values())
        return len(ctx.captured_queries)

    assert count(build(2)) == count(build(40))
    # One institution (its page): every figure in one statement, after reading its id.
    assert count(build(1)) == 2


def test_months_before_clamps_to_month_end():
    assert months_before(date(2026, 8, 31), 6) == date(2026, 2, 28)
    assert months_before(date(2026, 11, 23), 36) == date(2023, 11, 23)


def test_every_fact_but_the_registrys_is_a_derived_figure_and_every_figure_a_fact():
    """A field added to ``Facts`` but not derived from the records (or the reverse) would be
    read by no rule, or rated from a default: this fails first."""
    facts = Facts.field_names() - set(REGISTRY_FACTS)
    figures = set(DerivedFigures.__dataclass_fields__) - set(PAGE_ONLY)

    assert facts == figures
    assert set(REGISTRY_FACTS) <= Facts.field_names()


def test_the_thresholds_are_a_required_argument():
    with pytest.raises(TypeError):
        derived_figures([], today=TODAY)


def test_a_deposit_with_unknown_bed_fee_is_large_from_the_countys_one_amount(township):
    institution = InstitutionFactory(township=township)
    pay(institution, "甲", PrepaymentKind.DEPOSIT, "20000")

    assert figures_of(institution).large_prepayment_total == 0
    strict = Thresholds(large_amount_fee_unknown=Decimal("10000"))
    assert figures_of(institution, thresholds=strict).large_prepayment_total == Decimal("20000")
