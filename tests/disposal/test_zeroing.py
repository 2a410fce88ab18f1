"""清零行动: every venue on the ledger, its target outcome, and 销号 only once it is reached."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from disposal.levels import ActionType
from disposal.models import Outcome, TargetOutcome, ZeroingEntry, ZeroingStatus
from disposal.selectors.actions import board
from disposal.selectors.zeroing import (
    ledger_list,
    ledger_rows,
    target_of,
    target_outcome,
    venue_on_ledger,
    zeroing_ledger,
)
from disposal.services.actions import apply_level
from disposal.services.zeroing import Registration, assign_zeroing, cross_off
from institutions.models import Institution, RegistrationStatus
from institutions.services import save_institution
from risklists.engine import findings
from risklists.selectors import rating_findings
from tests.disposal.factories import (
    PrepaymentFactory,
    RefundFactory,
    TransferFactory,
)
from tests.factories import InstitutionFactory, VenueFactory, VillageFactory, make_credit_code
from tests.formdata import version_of_page

pytestmark = pytest.mark.django_db
TODAY = date(2026, 3, 2)


def test_every_unregistered_venue_is_on_the_ledger_and_nothing_else(
    township, other_township, county_user, township_user
):
    mine = VenueFactory(township=township)
    foreign = VenueFactory(township=other_township)
    InstitutionFactory(township=township)

    assert set(zeroing_ledger(county_user)) == {mine, foreign}
    assert set(zeroing_ledger(township_user)) == {mine}


def test_target_is_registration_for_a_stable_venue_without_large_prepayment(township):
    venue = VenueFactory(township=township)

    found = rating_findings([venue])[venue.pk]

    assert venue.residents > 0
    assert target_of(venue, found) == TargetOutcome.REGISTER


def test_target_is_refunds_and_closure_when_the_rating_found_large_prepayments(township):
    venue = VenueFactory(township=township)
    small = VenueFactory(township=township)
    PrepaymentFactory(institution=venue, amount=Decimal("80000"), kind="investment")
    PrepaymentFactory(institution=small, amount=Decimal("3000"), kind="membership")
    refunded = VenueFactory(township=township)
    RefundFactory(
        prepayment=PrepaymentFactory(
            institution=refunded, amount=Decimal("80000"), kind="investment"
        ),
        amount=Decimal("80000"),
    )

    found = rating_findings([venue, small, refunded])

    assert target_of(venue, found[venue.pk]) == TargetOutcome.REFUND_AND_CLOSE
    assert target_of(small, found[small.pk]) == TargetOutcome.REGISTER
    assert target_of(refunded, found[refunded.pk]) == TargetOutcome.REGISTER


# 衡山县 §一.三: 对已经收住老年人，运营比较平稳，且没有收取大额预付费的，应当督促其尽快依法办理登记.
@pytest.mark.parametrize("residents", [0, None])
def test_a_venue_housing_no_elders_or_not_known_is_assessed_not_urged_to_register(
    township, residents
):
    venue = VenueFactory(township=township, residents=residents)

    found = rating_findings([venue])[venue.pk]

    assert not found.large_prepayment
    assert target_of(venue, found) == TargetOutcome.ASSESS


# O6 rates every venue without a large prepayment orange: being unregistered is what the
# 清零行动 acts on, not a sign of how the venue operates.
VENUE_HIT = {"code": "O6", "level": "orange", "evidence": {"registered": False}}


def test_an_orange_or_red_risk_is_not_stable_until_the_township_judges_otherwise():
    orange = findings([{"code": "O2", "level": "orange", "evidence": {}}])
    yellow = findings([{"code": "Y2", "level": "yellow", "evidence": {}}, VENUE_HIT])

    assert orange.serious_risk and not yellow.serious_risk
    assert target_outcome(orange, residents=12) == TargetOutcome.ASSESS
    assert target_outcome(orange, residents=12, stable=True) == TargetOutcome.REGISTER
    assert target_outcome(yellow, residents=12) == TargetOutcome.REGISTER
    assert target_outcome(yellow, residents=12, stable=False) == TargetOutcome.ASSESS
    # A large prepayment is refunded whatever the judgement (责令退还资金).
    large = findings([{"code": "Y1", "level": "yellow", "evidence": {"large_prepayment_total": 1}}])
    assert target_outcome(large, residents=12, stable=True) == TargetOutcome.REFUND_AND_CLOSE


def test_the_township_records_its_judgement_with_the_person_in_charge(
    client_for, township, township_user
):
    venue = VenueFactory(township=township, residents=8)
    url = reverse("disposal:zeroing_detail", args=[venue.pk])
    client = client_for(township_user)
    page = client.get(url)
    assert str(TargetOutcome.REGISTER.label) in page.content.decode()

    response = client.post(
        url,
        {
            "responsible_user": township_user.pk,
            "stable": "false",
            **version_of_page(client, url, form="assign_form"),
        },
    )

    assert response.status_code == 302
    entry = ZeroingEntry.objects.get(institution=venue)
    assert entry.stable is False and entry.history.first().stable is False
    html = client.get(url).content.decode()
    assert str(TargetOutcome.ASSESS.label) in html
    assert "乡镇研判" in html


def test_promised_returns_are_a_suspected_crime_not_yet_illegal_fundraising(township):
    """属于非法集资的 is the authority's determination (衡山县 §二.二 调查认定), not a sign."""
    venue = VenueFactory(township=township)
    PrepaymentFactory(institution=venue, amount=Decimal("2000"), promised_return=True)

    found = rating_findings([venue])[venue.pk]

    assert found.crime_suspected and found.large_prepayment
    assert not found.illegal_fundraising


def test_assigning_a_person_puts_the_venue_in_progress(township, township_user):
    venue = VenueFactory(township=township)

    entry = assign_zeroing(user=township_user, institution=venue, responsible_user=township_user)

    assert entry.status == ZeroingStatus.IN_PROGRESS
    assert entry.history.get().history_user == township_user


def test_cross_off_is_refused_while_the_venue_is_not_registered(township, township_user):
    venue = VenueFactory(township=township)

    with pytest.raises(ValidationError) as error:
        cross_off(user=township_user, institution=venue, outcome=Outcome.REGISTERED, today=TODAY)

    assert "credit_code" in error.value.message_dict
    assert not ZeroingEntry.objects.filter(status=ZeroingStatus.CROSSED_OFF).exists()


def test_registering_crosses_off_and_the_venue_becomes_an_institution_with_its_history(
    township, township_user
):
    venue = VenueFactory(township=township, name="开云松鹤颐养之家")
    code = make_credit_code(9001)

    entry = cross_off(
        user=township_user,
        institution=venue,
        outcome=Outcome.REGISTERED,
        registration=Registration(
            credit_code=code, registration_status=RegistrationStatus.REGISTERED_NOT_FILED
        ),
        today=TODAY,
    )

    venue.refresh_from_db()
    assert venue.pk == entry.institution_id
    assert venue.registration_status == RegistrationStatus.REGISTERED_NOT_FILED
    assert venue.credit_code == code
    statuses = list(
        venue.history.order_by("history_date").values_list("registration_status", flat=True)
    )
    assert statuses == [RegistrationStatus.UNREGISTERED, RegistrationStatus.REGISTERED_NOT_FILED]
    assert venue.history.first().history_user == township_user
    assert entry.status == ZeroingStatus.CROSSED_OFF
    assert entry.outcome == Outcome.REGISTERED
    assert entry.crossed_off_on == TODAY
    assert entry.target_outcome == TargetOutcome.REGISTER
    # crossed off venues stay on the ledger: x of y
    total, _rows = board(township_user, TODAY)
    assert (total.zeroing_crossed_off, total.zeroing_total) == (1, 1)


def test_a_wrong_credit_code_refuses_the_registration(township, township_user):
    venue = VenueFactory(township=township)

    with pytest.raises(ValidationError):
        cross_off(
            user=township_user,
            institution=venue,
            outcome=Outcome.REGISTERED,
            registration=Registration(credit_code="91350100M000100Y44"),
            today=TODAY,
        )

    venue.refresh_from_db()
    assert venue.registration_status == RegistrationStatus.UNREGISTERED


def test_a_venue_registered_on_the_registry_stays_on_the_ledger_until_crossed_off(
    township, township_user
):
    venue = VenueFactory(township=township)
    venue.registration_status = RegistrationStatus.REGISTERED_FILED
    venue.credit_code = make_credit_code(9002)
    save_institution(user=township_user, institution=venue)

    assert venue in set(zeroing_ledger(township_user))
    entry = cross_off(
        user=township_user, institution=venue, outcome=Outcome.REGISTERED, today=TODAY
    )
    assert entry.is_crossed_off


def test_closing_needs_the_date(township, township_user):
    venue = VenueFactory(township=township)

    with pytest.raises(ValidationError) as error:
        cross_off(user=township_user, institution=venue, outcome=Outcome.CLOSED, today=TODAY)
    assert "outcome_on" in error.value.message_dict

    entry = cross_off(
        user=township_user,
        institution=venue,
        outcome=Outcome.BANNED,
        outcome_on=date(2026, 2, 20),
        today=TODAY,
    )
    assert entry.outcome_on == date(2026, 2, 20)
    assert entry.is_crossed_off


def test_transferred_needs_a_recorded_transfer(township, township_user):
    venue = VenueFactory(township=township)
    with pytest.raises(ValidationError):
        cross_off(user=township_user, institution=venue, outcome=Outcome.TRANSFERRED, today=TODAY)

    transfer = TransferFactory(institution=venue, transferred_on=date(2026, 2, 25))
    entry = cross_off(
        user=township_user, institution=venue, outcome=Outcome.TRANSFERRED, today=TODAY
    )

    assert entry.transfer == transfer
    assert entry.outcome_on == date(2026, 2, 25)


def test_a_venue_with_large_prepayments_is_registered_off_only_once_refunds_are_paid(
    township, township_user
):
    # Flagged as collecting: its target stays 责令退还资金 once the refunds are paid.
    venue = VenueFactory(township=township, collects_large_prepayment=True)
    record = PrepaymentFactory(institution=venue, amount=Decimal("30000"), kind="investment")
    RefundFactory(prepayment=record, amount=Decimal("10000"))
    registration = Registration(credit_code=make_credit_code(9003))

    with pytest.raises(ValidationError) as error:
        cross_off(
            user=township_user,
            institution=venue,
            outcome=Outcome.REGISTERED,
            registration=registration,
            today=TODAY,
        )
    assert error.value.code == "refunds_outstanding"
    assert "20,000.00" in error.value.messages[0]

    RefundFactory(prepayment=record, amount=Decimal("20000"))
    entry = cross_off(
        user=township_user,
        institution=venue,
        outcome=Outcome.REGISTERED,
        registration=registration,
        today=TODAY,
    )
    assert entry.target_outcome == TargetOutcome.REFUND_AND_CLOSE


def test_a_crossed_off_venue_cannot_be_crossed_off_twice(township, township_user):
    venue = VenueFactory(township=township)
    cross_off(
        user=township_user,
        institution=venue,
        outcome=Outcome.CLOSED,
        outcome_on=date(2026, 3, 1),
        today=TODAY,
    )

    with pytest.raises(ValidationError):
        cross_off(
            user=township_user,
            institution=venue,
            outcome=Outcome.BANNED,
            outcome_on=date(2026, 3, 1),
            today=TODAY,
        )


def test_a_registered_institution_is_not_on_the_ledger(township, township_user):
    institution = InstitutionFactory(township=township)

    with pytest.raises(ValidationError):
        cross_off(
            user=township_user,
            institution=institution,
            outcome=Outcome.CLOSED,
            outcome_on=TODAY,
            today=TODAY,
        )
    assert Institution.objects.get(pk=institution.pk).registration_status == (
        RegistrationStatus.REGISTERED_FILED
    )


def test_the_ledger_lists_township_by_township_by_name_with_its_entries_in_one_query(
    township, other_township, county_user, township_user, django_assert_num_queries
):
    """挂图作战: the county's ledger reads township by township, each venue by name, with its
    village and the person in charge, in one query whatever the number of venues."""
    village = VillageFactory(parent=township)
    b = VenueFactory(township=township, village=village, name="D颐养之家")
    a = VenueFactory(township=township, name="B颐养之家")
    c = VenueFactory(township=other_township, name="C颐养之家")
    assign_zeroing(user=township_user, institution=b, responsible_user=township_user)
    mine, other = [a, b], [c]
    expected = mine + other if township.path < other_township.path else other + mine

    with django_assert_num_queries(1):
        shown = [
            (
                venue,
                venue.township.name,
                venue.village.name if venue.village else "",
                getattr(getattr(venue, "zeroing", None), "responsible_user", None),
            )
            for venue in ledger_list(county_user)
        ]

    assert [row[0] for row in shown] == expected
    assert shown[expected.index(b)][1:] == (township.name, village.name, township_user)
    assert shown[expected.index(c)][1:] == (other_township.name, "", None)


def test_each_ledger_row_says_target_prepayment_elders_stability_and_whether_crossed_off(
    township, township_user
):
    """The ledger's columns (台账): 目标, 大额预付费, 收住老人, 运营平稳 (and whether the township
    judged it), 已登记, 已销号."""
    prepaid = VenueFactory(township=township, residents=5)
    PrepaymentFactory(institution=prepaid, amount=Decimal("80000"), kind="investment")
    judged = VenueFactory(township=township, residents=8)
    assign_zeroing(user=township_user, institution=judged, stable=False)
    done = VenueFactory(township=township, residents=0)
    cross_off(
        user=township_user,
        institution=done,
        outcome=Outcome.REGISTERED,
        registration=Registration(credit_code=make_credit_code(9002)),
        today=TODAY,
    )
    venues = list(Institution.objects.filter(pk__in=[prepaid.pk, judged.pk, done.pk]))
    venues.sort(key=lambda venue: [prepaid.pk, judged.pk, done.pk].index(venue.pk))

    rows = [
        {key: value for key, value in row.items() if key not in ("institution", "entry")}
        for row in ledger_rows(venues)
    ]

    assert rows == [
        {
            "target": TargetOutcome.REFUND_AND_CLOSE,
            "target_label": TargetOutcome.REFUND_AND_CLOSE.label,
            "large_prepayment": True,
            "houses_elders": True,
            "stable": True,
            "stable_judged": False,
            "registered": False,
            "crossed_off": False,
        },
        {
            "target": TargetOutcome.ASSESS,
            "target_label": TargetOutcome.ASSESS.label,
            "large_prepayment": False,
            "houses_elders": True,
            "stable": False,
            "stable_judged": True,
            "registered": False,
            "crossed_off": False,
        },
        {
            "target": TargetOutcome.ASSESS,
            "target_label": TargetOutcome.ASSESS.label,
            "large_prepayment": False,
            "houses_elders": False,
            "stable": True,
            "stable_judged": False,
            "registered": True,
            "crossed_off": True,
        },
    ]
    assert [row["institution"] for row in ledger_rows(venues)] == venues
    assert ledger_rows(venues)[1]["entry"] == ZeroingEntry.objects.get(institution=judged)


def test_a_venues_ledger_page_reads_its_entry_with_who_is_in_charge_and_who_crossed_it_off(
    township, township_user, django_assert_num_queries
):
    venue = VenueFactory(township=township)
    assign_zeroing(user=township_user, institution=venue, responsible_user=township_user)
    transfer = TransferFactory(institution=venue)
    cross_off(user=township_user, institution=venue, outcome=Outcome.TRANSFERRED, today=TODAY)

    shown = venue_on_ledger(township_user, Institution.objects.get(pk=venue.pk))

    with django_assert_num_queries(0):
        entry = shown["entry"]
        assert (entry.responsible_user, entry.crossed_off_by, entry.transfer) == (
            township_user,
            township_user,
            transfer,
        )
    assert shown["row"]["crossed_off"] is True


# 衡山县 §一.三: 对已经收住老年人…的，应当督促其尽快依法办理登记: one elder housed is enough.
def test_a_venue_housing_one_elder_is_urged_to_register():
    nothing = findings([VENUE_HIT])
    assert target_outcome(nothing, residents=1) == TargetOutcome.REGISTER
    assert target_outcome(nothing, residents=0) == TargetOutcome.ASSESS


def test_the_target_of_a_venue_follows_the_townships_judgement_on_its_entry(
    township, township_user
):
    unstable = VenueFactory(township=township, residents=8)
    assign_zeroing(user=township_user, institution=unstable, stable=False)
    stable = VenueFactory(township=township, residents=8)
    assign_zeroing(user=township_user, institution=stable, stable=True)
    orange = findings([{"code": "O2", "level": "orange", "evidence": {}}])

    venues = Institution.objects.select_related("zeroing")
    assert target_of(venues.get(pk=unstable.pk), findings([VENUE_HIT])) == TargetOutcome.ASSESS
    assert target_of(venues.get(pk=stable.pk), orange) == TargetOutcome.REGISTER


def test_an_archived_venue_is_off_the_ledger(township, county_user):
    archived = VenueFactory(township=township)
    Institution.objects.filter(pk=archived.pk).update(archived_at=timezone.now())
    kept = VenueFactory(township=township)

    assert set(zeroing_ledger(county_user)) == {kept}


def test_a_venues_ledger_page_shows_its_own_transfers_refunds_owed_and_follow_up(
    township, township_user, county_user
):
    venue = VenueFactory(township=township)
    other = VenueFactory(township=township)
    PrepaymentFactory(institution=venue, amount=Decimal("3000"), kind="membership")
    transfer = TransferFactory(institution=venue)
    TransferFactory(institution=other)
    # A measure of its level comes before the follow-up, and the other venue's follow-up
    # too: the page must pick the venue's own follow-up.
    apply_level(venue, "yellow", user=county_user, today=TODAY)
    cross_off(
        user=township_user,
        institution=other,
        outcome=Outcome.REGISTERED,
        registration=Registration(credit_code=make_credit_code(9005)),
        today=TODAY,
    )
    cross_off(
        user=township_user,
        institution=venue,
        outcome=Outcome.REGISTERED,
        registration=Registration(credit_code=make_credit_code(9004)),
        today=TODAY,
    )

    shown = venue_on_ledger(township_user, Institution.objects.get(pk=venue.pk))

    assert shown["transfers"] == [transfer]
    assert (shown["refunds"].due, shown["refunds"].refunded) == (Decimal("3000"), Decimal(0))
    assert shown["follow_up"].institution_id == venue.pk
    assert shown["follow_up"].action_type == ActionType.FOLLOW_UP_CHECK
