"""The readers of the derived figures at their edges (make mutation, scripts/mutation.py): the
latest record chosen by its date and then by its entry, each window's ends, and many
institutions rated together (the lists and the nightly rating) getting each its own figures,
also with an institution not asked for between them."""

from datetime import date
from decimal import Decimal

import pytest

from risklists.engine import Thresholds, evaluate
from risklists.facts import build_facts
from risklists.figures import derived_figures
from screening.models import (
    BlacklistEntry,
    Branch,
    ChangeKind,
    Complaint,
    DeterminationResult,
    FinancialSnapshot,
    Lawsuit,
    Lead,
    LeadStatus,
    MatchStatus,
    Person,
    PersonRole,
    PersonRoleKind,
    PrepaymentRecord,
    RegistrationChange,
    Verification,
    YesNoUnknown,
)
from tests.factories import InstitutionFactory, VenueFactory
from tests.screening.factories import DeterminationFactory

from .factories import invest, visit

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 23)


def figures_of(*institutions):
    """The figures of the institutions asked for together, as a list or the nightly rating
    asks for them."""
    return derived_figures(
        [institution.pk for institution in institutions], thresholds=Thresholds(), today=TODAY
    )


def balance(institution, as_of, assets, liabilities, net_fixed=None):
    return FinancialSnapshot.objects.create(
        institution=institution,
        as_of=as_of,
        total_assets=Decimal(assets),
        total_liabilities=Decimal(liabilities),
        net_fixed_assets=None if net_fixed is None else Decimal(net_fixed),
    )


def change(institution, kind, on):
    return RegistrationChange.objects.create(institution=institution, kind=kind, changed_on=on)


def test_the_latest_visit_by_its_date_states_the_fund_use_whenever_it_was_entered(
    township, township_user
):
    """A visit of June entered after one of August (a late paper form) does not restate the
    use of the funds: the August visit's "irregular" stands, and with a large prepayment
    the institution is orange, O4 (收取大额预付费且资金使用不规范)."""
    institution = InstitutionFactory(township=township)
    invest(institution)
    visit(institution, township_user, day=date(2026, 8, 1), fund_use="irregular")
    visit(institution, township_user, day=date(2026, 6, 1), fund_use="operations")

    figures = figures_of(institution)[institution.pk]
    facts = build_facts([institution.pk], Thresholds(), TODAY)[institution.pk]

    assert figures.fund_use == "irregular"
    assert facts.fund_use == "irregular"
    assessment = evaluate(facts)
    assert assessment.level == "orange"
    assert [hit.evidence["fund_use"] for hit in assessment.hits if hit.code == "O4"] == [
        "irregular"
    ]


def test_of_two_visits_on_one_day_the_one_entered_last_states_the_fund_use(township, township_user):
    institution = InstitutionFactory(township=township)
    visit(institution, township_user, day=date(2026, 8, 1), fund_use="operations")
    visit(institution, township_user, day=date(2026, 8, 1), fund_use="facility_construction")

    assert figures_of(institution)[institution.pk].fund_use == "facility_construction"


def test_the_latest_balance_by_its_date_counts_whenever_it_was_entered(township):
    """The balance of 2025 entered after the one of 2024 is read, not the one entered last:
    a 2023 balance entered late does not make the institution solvent again."""
    institution = InstitutionFactory(township=township)
    balance(institution, date(2025, 12, 31), "500000", "800000", "300000")
    balance(institution, date(2023, 12, 31), "900000", "100000", "700000")

    figures = figures_of(institution)[institution.pk]

    assert (figures.assets, figures.liabilities) == (Decimal("500000"), Decimal("800000"))
    assert figures.net_fixed_assets == Decimal("300000")


def test_of_two_balances_of_one_date_the_one_entered_last_counts(township):
    """A balance entered again for the same date corrects the first."""
    institution = InstitutionFactory(township=township)
    balance(institution, date(2025, 12, 31), "500000", "800000", "300000")
    balance(institution, date(2025, 12, 31), "900000", "100000", "700000")

    figures = figures_of(institution)[institution.pk]

    assert (figures.assets, figures.liabilities) == (Decimal("900000"), Decimal("100000"))
    assert figures.net_fixed_assets == Decimal("700000")


def test_branches_and_changes_dated_after_the_day_of_the_rating_do_not_count(township):
    """Rated as of a day, the windows end that day: a branch opened and a change made the day
    after are not part of it (a rating as of an earlier day is not changed by later records)."""
    institution = InstitutionFactory(township=township)
    Branch.objects.create(institution=institution, name="今日网点", opened_on=TODAY)
    Branch.objects.create(institution=institution, name="明日网点", opened_on=date(2026, 11, 24))
    change(institution, ChangeKind.LEGAL_REPRESENTATIVE, TODAY)
    change(institution, ChangeKind.LEGAL_REPRESENTATIVE, date(2026, 11, 24))
    change(institution, ChangeKind.REGISTERED_ADDRESS, date(2026, 11, 24))

    figures = figures_of(institution)[institution.pk]

    assert figures.branches_opened_3y == 1
    assert (figures.legal_rep_changes_2y, figures.address_changes_2y) == (1, 0)


def test_changes_of_name_or_other_kinds_are_not_counted_as_address_changes(township):
    """Three changes of name and three of other kinds in two years are not 频繁变更
    法定代表人、登记注册地: Y3 counts only the legal representative and the address."""
    institution = InstitutionFactory(township=township)
    for month in (1, 2, 3):
        change(institution, ChangeKind.NAME, date(2026, month, 1))
        change(institution, ChangeKind.OTHER, date(2026, month, 15))

    figures = figures_of(institution)[institution.pk]
    facts = build_facts([institution.pk], Thresholds(), TODAY)[institution.pk]

    assert (figures.legal_rep_changes_2y, figures.address_changes_2y) == (0, 0)
    assert "Y3" not in evaluate(facts).codes


def test_institutions_rated_together_each_get_their_own_latest_records_and_counts(
    township, township_user
):
    """The nightly rating and the lists read many institutions at once: each keeps its own
    latest visit, its own latest balance, its own changes by kind, and a finding of one is
    not lost because another before it has none."""
    quiet, busy = InstitutionFactory(township=township), InstitutionFactory(township=township)
    for institution, (old, new) in (
        (quiet, ("irregular", "operations")),
        (busy, ("operations", "unknown")),
    ):
        visit(institution, township_user, day=date(2026, 3, 1), fund_use=old)
        visit(institution, township_user, day=date(2026, 6, 1), fund_use=new)
    visit(busy, township_user, day=date(2026, 7, 1), collapsed=True)
    balance(quiet, date(2024, 12, 31), "1", "2")
    balance(quiet, date(2025, 12, 31), "100", "50")
    balance(busy, date(2024, 12, 31), "3", "4")
    balance(busy, date(2025, 12, 31), "200", "300")
    change(quiet, ChangeKind.LEGAL_REPRESENTATIVE, date(2026, 1, 1))
    change(quiet, ChangeKind.REGISTERED_ADDRESS, date(2026, 2, 1))
    change(quiet, ChangeKind.REGISTERED_ADDRESS, date(2026, 3, 1))
    change(busy, ChangeKind.LEGAL_REPRESENTATIVE, date(2026, 1, 1))
    change(busy, ChangeKind.LEGAL_REPRESENTATIVE, date(2026, 4, 1))
    change(busy, ChangeKind.LEGAL_REPRESENTATIVE, date(2026, 5, 1))

    figures = figures_of(quiet, busy)

    assert figures[quiet.pk].fund_use == "operations"
    assert figures[busy.pk].fund_use == "unknown"
    assert (figures[quiet.pk].assets, figures[quiet.pk].liabilities) == (100, 50)
    assert (figures[busy.pk].assets, figures[busy.pk].liabilities) == (200, 300)
    assert (figures[quiet.pk].legal_rep_changes_2y, figures[quiet.pk].address_changes_2y) == (
        1,
        2,
    )
    assert (figures[busy.pk].legal_rep_changes_2y, figures[busy.pk].address_changes_2y) == (3, 0)
    assert not figures[quiet.pk].collapsed
    assert figures[busy.pk].collapsed
    assert figures[busy.pk].sources["collapsed"][0]["kind"] == "visit"


def test_records_of_an_institution_between_those_asked_for_are_nobodys(township):
    """A run of ids is read by its range (``_ids_filter``): the records of an institution in
    the range that was not asked for (archived, of another county) give nobody a figure, and
    do not stop the institutions after it from getting theirs."""
    first, between, last = (InstitutionFactory(township=township) for _ in range(3))
    assert first.pk < between.pk < last.pk
    for institution in (between, last):
        Branch.objects.create(institution=institution, name="网点", opened_on=date(2026, 1, 1))
        change(institution, ChangeKind.LEGAL_REPRESENTATIVE, date(2026, 1, 1))
        change(institution, ChangeKind.REGISTERED_ADDRESS, date(2026, 1, 1))
    Branch.objects.create(institution=between, name="二号网点", opened_on=date(2026, 2, 1))

    figures = figures_of(first, last)

    assert set(figures) == {first.pk, last.pk}
    assert figures[first.pk].branches_opened_3y == 0
    assert figures[last.pk].branches_opened_3y == 1
    assert (figures[last.pk].legal_rep_changes_2y, figures[last.pk].address_changes_2y) == (1, 1)


def test_every_determination_is_in_the_evidence_the_latest_first(township):
    """The authority's determinations are shown with the rating's evidence whatever they
    found; one of illegal fundraising is the finding 属于非法集资."""
    institution = InstitutionFactory(township=township)
    cleared = DeterminationFactory(
        institution=institution,
        determined_on=date(2026, 3, 1),
        result=DeterminationResult.NOT_ILLEGAL_FUNDRAISING,
    )
    determined = DeterminationFactory(institution=institution, determined_on=date(2026, 9, 1))

    figures = figures_of(institution)[institution.pk]

    assert figures.illegal_fundraising
    assert figures.sources["determinations"] == (
        {
            "kind": "determination",
            "id": determined.pk,
            "date": "2026-09-01",
            "result": "illegal_fundraising",
        },
        {
            "kind": "determination",
            "id": cleared.pk,
            "date": "2026-03-01",
            "result": "not_illegal_fundraising",
        },
    )


def key_person(institution, name):
    person = Person.objects.create(name=name, unit=institution.township)
    PersonRole.objects.create(
        institution=institution, person=person, kind=PersonRoleKind.LEGAL_REPRESENTATIVE
    )
    return person


def suit(person, county, economic_crime=True):
    return Lawsuit.objects.create(
        unit=county,
        subject_name=person.name,
        case_number=f"(2025)湘0423刑初{person.pk}号",
        cause="非法吸收公众存款" if economic_crime else "民间借贷纠纷",
        economic_crime=economic_crime,
        person=person,
        match_status=MatchStatus.CONFIRMED,
    )


def blacklisting(county, **subject):
    return BlacklistEntry.objects.create(
        unit=county,
        subject_name="x",
        list_kind="credit_china",
        match_status=MatchStatus.MATCHED,
        **subject,
    )


def complaint(county, **subject):
    return Complaint.objects.create(
        unit=county,
        subject_name="x",
        received_on=TODAY,
        content="退费难",
        match_status=MatchStatus.CONFIRMED,
        verification=Verification.SUBSTANTIATED,
        **subject,
    )


def test_each_outside_record_of_a_key_person_counts_on_its_own(township, county):
    """A legal representative with an economic-crime suit and nothing else is O1; one only
    on a blacklist is O3; one only complained about is O2: no record needs another beside
    it to be read."""
    sued, listed, complained = (InstitutionFactory(township=township) for _ in range(3))
    suit(key_person(sued, "张一"), county)
    blacklisting(county, person=key_person(listed, "张二"))
    complaint(county, person=key_person(complained, "张三"))

    figures = figures_of(sued, listed, complained)
    facts = build_facts([sued.pk, listed.pk, complained.pk], Thresholds(), TODAY)

    assert figures[sued.pk].person_economic_crime_suit
    assert not figures[sued.pk].person_blacklisted and figures[sued.pk].complaints == 0
    assert figures[listed.pk].person_blacklisted
    assert not figures[listed.pk].person_economic_crime_suit
    assert figures[complained.pk].complaints == 1
    assert not figures[complained.pk].person_blacklisted
    assert set(evaluate(facts[sued.pk]).codes) == {"O1"}
    assert set(evaluate(facts[listed.pk]).codes) == {"O3"}
    assert set(evaluate(facts[complained.pk]).codes) == {"O2"}


def test_a_suit_that_is_not_about_an_economic_crime_does_not_count(township, county):
    """O1 is a suit for an economic crime: a civil suit against the legal representative,
    matched and confirmed, is not one."""
    institution = InstitutionFactory(township=township)
    suit(key_person(institution, "李四"), county, economic_crime=False)

    assert not figures_of(institution)[institution.pk].person_economic_crime_suit


def test_an_institution_on_a_blacklist_itself_is_o3(township, county):
    institution = InstitutionFactory(township=township)
    blacklisting(county, institution=institution)

    figures = figures_of(institution)[institution.pk]
    facts = build_facts([institution.pk], Thresholds(), TODAY)[institution.pk]

    assert figures.person_blacklisted
    assert "O3" in evaluate(facts).codes


def test_a_lead_counts_once_verified_as_fraud_related_not_while_only_received(township):
    """A lead marked fraud related but still at 已接收 (its verification not completed) is
    not a complaint yet; verified, it is: the rating agrees with ``Lead.counts_for_rating``."""
    institution = InstitutionFactory(township=township)
    lead = Lead.objects.create(
        unit=township,
        institution=institution,
        channel="12337",
        received_on=TODAY,
        subject=institution.name,
        content="办卡",
        is_fraud_related=True,
    )
    assert not lead.counts_for_rating
    assert figures_of(institution)[institution.pk].complaints == 0

    lead.status = LeadStatus.VERIFIED
    lead.save()

    assert lead.counts_for_rating
    assert figures_of(institution)[institution.pk].complaints == 1


def test_outside_records_of_an_institution_between_those_asked_for_are_nobodys(township, county):
    """The records of an institution in the range of those asked for, but not asked for, flag
    nobody: its legal representative's suit, its blacklisting, a complaint about it. A
    person who is legal representative of both is flagged only where asked."""
    first, between, last = (InstitutionFactory(township=township) for _ in range(3))
    assert first.pk < between.pk < last.pk
    suit(key_person(between, "王五"), county)
    both = key_person(between, "赵六")
    PersonRole.objects.create(
        institution=first, person=both, kind=PersonRoleKind.LEGAL_REPRESENTATIVE
    )
    blacklisting(county, person=both)
    blacklisting(county, institution=between)
    complaint(county, institution=between)

    figures = figures_of(first, last)

    assert set(figures) == {first.pk, last.pk}
    assert figures[first.pk].person_blacklisted
    assert not figures[first.pk].person_economic_crime_suit
    assert not figures[last.pk].person_blacklisted
    assert not figures[last.pk].person_economic_crime_suit
    assert figures[first.pk].complaints == figures[last.pk].complaints == 0


def test_institutions_named_by_another_tables_institution_ids_get_their_figures(township):
    """The institutions of a list built from another table (those with a prepayment on
    record, a ledger's) get their figures under their own ids, one each."""
    paid, unpaid = InstitutionFactory(township=township), InstitutionFactory(township=township)
    invest(paid, "甲", "100")
    invest(paid, "乙", "200")
    ids = PrepaymentRecord.objects.values_list("institution_id", flat=True).distinct()

    figures = derived_figures(ids, thresholds=Thresholds(), today=TODAY)

    assert list(figures) == [paid.pk]
    assert figures[paid.pk].large_prepayment_total == Decimal("300")
    assert unpaid.pk not in figures


# Read with other institutions (a list, the nightly rating), the figures come from a statement
# per figure built at each call; one institution alone, from a statement compiled once for the
# day and kept (core.db.fetch_shaped). mutmut's workers inherit the kept statement from its
# clean run, so only these tests of several institutions see a change to the readers' queries.


def test_in_a_list_the_latest_visit_and_balance_are_chosen_by_date_then_by_entry(
    township, township_user
):
    """Rated with others, each institution's use of funds and balance are still its latest by
    date, then by entry: a June visit and a 2023 balance entered late do not replace August's
    and 2025's; of two of one day, the one entered last counts."""
    late = InstitutionFactory(township=township)
    visit(late, township_user, day=date(2026, 8, 1), fund_use="irregular")
    visit(late, township_user, day=date(2026, 6, 1), fund_use="operations")
    balance(late, date(2025, 12, 31), "500000", "800000", "300000")
    balance(late, date(2023, 12, 31), "900000", "100000", "700000")
    same_day = InstitutionFactory(township=township)
    visit(same_day, township_user, day=date(2026, 8, 1), fund_use="operations")
    visit(same_day, township_user, day=date(2026, 8, 1), fund_use="facility_construction")
    balance(same_day, date(2025, 12, 31), "500000", "800000", "300000")
    balance(same_day, date(2025, 12, 31), "900000", "100000", "700000")

    figures = figures_of(late, same_day)

    assert figures[late.pk].fund_use == "irregular"
    assert (figures[late.pk].assets, figures[late.pk].liabilities) == (500000, 800000)
    assert figures[late.pk].net_fixed_assets == 300000
    assert figures[same_day.pk].fund_use == "facility_construction"
    assert (figures[same_day.pk].assets, figures[same_day.pk].liabilities) == (900000, 100000)
    assert figures[same_day.pk].net_fixed_assets == 700000


def test_in_a_list_the_windows_are_the_36_and_24_months_up_to_the_day_of_the_rating(township):
    """Y2 and Y3's windows, rated with others: a branch opened 36 months before the day and a
    change made 24 months before are out, the day after each is in, the day itself is in and
    the day after it out; three changes of name and three of other kinds are no address change."""
    institution, other = (
        InstitutionFactory(township=township),
        InstitutionFactory(township=township),
    )
    for day in (date(2023, 11, 23), date(2023, 11, 24), TODAY, date(2026, 11, 24)):
        Branch.objects.create(institution=institution, name=f"网点{day}", opened_on=day)
    for day in (date(2024, 11, 23), date(2024, 11, 24), TODAY, date(2026, 11, 24)):
        change(institution, ChangeKind.LEGAL_REPRESENTATIVE, day)
    change(institution, ChangeKind.REGISTERED_ADDRESS, date(2026, 1, 1))
    change(institution, ChangeKind.REGISTERED_ADDRESS, date(2026, 11, 24))
    for month in (1, 2, 3):
        change(other, ChangeKind.NAME, date(2026, month, 1))
        change(other, ChangeKind.OTHER, date(2026, month, 15))

    figures = figures_of(institution, other)

    assert figures[institution.pk].branches_opened_3y == 2
    assert (
        figures[institution.pk].legal_rep_changes_2y,
        figures[institution.pk].address_changes_2y,
    ) == (2, 1)
    assert (figures[other.pk].legal_rep_changes_2y, figures[other.pk].address_changes_2y) == (0, 0)


def test_in_a_list_only_sure_economic_crime_suits_and_current_blacklistings_count(township, county):
    """Rated with others: a confirmed civil suit and an economic-crime suit matched only by name
    (to be confirmed) are not O1; a blacklisting matched only by name and one removed since are
    not O3."""
    sued, listed = InstitutionFactory(township=township), InstitutionFactory(township=township)
    person = key_person(sued, "钱七")
    suit(person, county, economic_crime=False)
    Lawsuit.objects.create(
        unit=county,
        subject_name=person.name,
        case_number="(2025)湘0423刑初99号",
        cause="集资诈骗",
        economic_crime=True,
        person=person,
        match_status=MatchStatus.PENDING,
    )
    on_list = key_person(listed, "孙八")
    BlacklistEntry.objects.create(
        unit=county,
        subject_name=on_list.name,
        list_kind="credit_china",
        person=on_list,
        match_status=MatchStatus.PENDING,
    )
    blacklisting(county, person=on_list, removed_on=date(2026, 1, 1))

    figures = figures_of(sued, listed)

    assert not figures[sued.pk].person_economic_crime_suit
    assert not figures[listed.pk].person_blacklisted
    assert not figures[sued.pk].person_blacklisted
    assert not figures[listed.pk].person_economic_crime_suit


def test_in_a_list_a_lead_counts_once_verified_as_fraud_related_not_while_only_received(
    township,
):
    institution, other = (
        InstitutionFactory(township=township),
        InstitutionFactory(township=township),
    )
    lead = Lead.objects.create(
        unit=township,
        institution=institution,
        channel="12337",
        received_on=TODAY,
        subject=institution.name,
        content="办卡",
        is_fraud_related=True,
    )

    assert figures_of(institution, other)[institution.pk].complaints == 0

    lead.status = LeadStatus.VERIFIED
    lead.save()

    assert figures_of(institution, other)[institution.pk].complaints == 1


def test_the_page_shows_the_typed_flag_the_latest_answer_and_the_standing_findings(
    township, township_user
):
    """The institution page shows the registry's typed 收取大额预付费 beside the latest visit's
    answer, and lists the standing findings: a venue typed as collecting that the latest visit
    found not to, and found collapsed (爆雷)."""
    venue = VenueFactory(township=township, collects_large_prepayment=True)
    visit(
        venue,
        township_user,
        day=date(2026, 6, 1),
        large_prepayment_found=YesNoUnknown.NO,
        collapsed=True,
    )

    figures = figures_of(venue)[venue.pk]

    assert figures.large_prepayment_typed
    assert figures.large_prepayment_visit == YesNoUnknown.NO
    assert figures.large_prepayment_disagrees and not figures.large_prepayment_flagged
    assert list(figures.standing) == ["collapsed"]
    assert figures.standing["collapsed"].kind == "visit"
