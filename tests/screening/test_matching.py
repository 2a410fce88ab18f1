"""Matching imported records to the registry, and confirming or rejecting name matches."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import Role
from screening.models import (
    BlacklistEntry,
    BlacklistKind,
    Complaint,
    Lawsuit,
    MatchStatus,
    Person,
    SharedListEntry,
    SharedListSource,
    Verification,
)
from screening.selectors import four_looks
from screening.services.matching import (
    Registry,
    candidate_value,
    confirm_match,
    match_records,
    reject_match,
)
from tests.factories import (
    CountyFactory,
    InstitutionFactory,
    TownshipFactory,
    UserFactory,
    figures_of,
)
from tests.screening.xlsx import id_number

pytestmark = pytest.mark.django_db


def complaint(county, name, **fields):
    return Complaint(
        unit=county,
        subject_name=name,
        received_on=date(2024, 4, 1),
        content="诱导老人办卡",
        **fields,
    )


def matched(county_user, *records):
    match_records(records, user=county_user)
    for record in records:
        record.save()
    return records


# --- the matching rule ------------------------------------------------------------------------


def test_an_id_number_matches_the_person_at_once(county_user, county, township):
    person = Person.objects.create(name="王建国", id_number=id_number(1), unit=township)
    [record] = matched(county_user, complaint(county, "王 建国", id_number=id_number(1)))
    assert record.person == person
    assert record.match_status == MatchStatus.MATCHED
    assert record.counts


def test_a_credit_code_matches_the_institution_at_once_and_the_scope_follows(
    county_user, county, township, township_user
):
    institution = InstitutionFactory(township=township, name="开云康养有限公司")
    [record] = matched(
        county_user, complaint(county, "另一个名字", credit_code=institution.credit_code)
    )
    assert record.institution == institution
    assert record.match_status == MatchStatus.MATCHED
    assert record.scope_path == institution.scope_path
    assert Complaint.objects.visible_to(township_user).filter(pk=record.pk).exists()


def test_a_name_only_match_is_pending_with_its_candidate_and_does_not_count(
    county_user, county, township
):
    institution = InstitutionFactory(township=township, name="开云镇福寿养老院")
    [record] = matched(county_user, complaint(county, "开云镇 福寿养老院"))
    assert record.match_status == MatchStatus.PENDING
    assert record.institution == institution
    assert not record.counts
    figures = figures_of(institution)
    assert figures.complaints == 0


def test_a_name_matching_a_person_is_pending(county_user, county, township):
    person = Person.objects.create(name="李四", unit=township)
    entry = BlacklistEntry(unit=county, subject_name="李四", list_kind=BlacklistKind.CREDIT_CHINA)
    matched(county_user, entry)
    assert entry.person == person
    assert entry.match_status == MatchStatus.PENDING


def test_a_name_borne_by_several_candidates_stays_pending_without_a_candidate(
    county_user, county, township, other_township
):
    InstitutionFactory(township=township, name="福寿养老院")
    InstitutionFactory(township=other_township, name="福寿养老院")
    [record] = matched(county_user, complaint(county, "福寿养老院"))
    assert record.match_status == MatchStatus.PENDING
    assert record.institution is None and record.person is None
    assert record.scope_path == county.path


def test_a_namesake_with_another_id_number_is_not_a_candidate(county_user, county, township):
    Person.objects.create(name="张伟", id_number=id_number(2), unit=township)
    [record] = matched(county_user, complaint(county, "张伟", id_number=id_number(3)))
    assert record.match_status == MatchStatus.UNMATCHED
    assert record.person is None


def test_a_person_record_is_not_matched_to_an_institution_by_name(county_user, county, township):
    InstitutionFactory(township=township, name="张伟")
    [record] = matched(county_user, complaint(county, "张伟", id_number=id_number(4)))
    assert record.match_status == MatchStatus.UNMATCHED


def test_shared_lists_match_institutions_only(county_user, county, township):
    Person.objects.create(name="开云康养", unit=township)
    entry = SharedListEntry(
        unit=county, subject_name="开云康养", source=SharedListSource.JINMIN, township=township
    )
    matched(county_user, entry)
    assert entry.match_status == MatchStatus.UNMATCHED
    assert entry.scope_path == township.path


def test_the_registry_of_another_county_is_not_searched(county_user, county):
    foreign = InstitutionFactory(township=TownshipFactory(parent=CountyFactory(name="衡东县")))
    [record] = matched(
        county_user, complaint(county, foreign.name, credit_code=foreign.credit_code)
    )
    assert record.match_status == MatchStatus.UNMATCHED
    assert record.institution is None


def test_matching_a_batch_takes_two_queries(
    county_user, county, township, django_assert_num_queries
):
    InstitutionFactory(township=township, name="甲")
    records = [complaint(county, f"对象{n}", id_number=id_number(n)) for n in range(50)]
    with django_assert_num_queries(2):
        match_records(records, user=county_user)


# --- confirmation by a person -----------------------------------------------------------------


def test_confirming_a_name_match_makes_it_count_and_is_audited(county_user, county, township):
    institution = InstitutionFactory(township=township, name="开云镇福寿养老院")
    # Verified as substantiated already: only the match is missing for it to count.
    [record] = matched(
        county_user,
        complaint(county, "开云镇福寿养老院", verification=Verification.SUBSTANTIATED),
    )
    assert figures_of(institution).complaints == 0

    confirm_match(user=county_user, record=record)

    record.refresh_from_db()
    assert record.match_status == MatchStatus.CONFIRMED
    assert record.matched_by == county_user
    assert record.matched_at is not None
    assert record.counts
    latest = record.history.order_by("-history_date", "-pk").first()
    assert latest.history_user == county_user
    assert latest.match_status == MatchStatus.CONFIRMED
    assert figures_of(institution).complaints == 1


def test_confirming_an_ambiguous_name_requires_choosing_a_candidate(
    county_user, county, township, other_township
):
    InstitutionFactory(township=township, name="福寿养老院")
    chosen = InstitutionFactory(township=other_township, name="福寿养老院")
    [record] = matched(county_user, complaint(county, "福寿养老院"))

    with pytest.raises(ValidationError):
        confirm_match(user=county_user, record=record)
    confirm_match(user=county_user, record=record, candidate=candidate_value(chosen))

    record.refresh_from_db()
    assert record.institution == chosen
    assert record.scope_path == chosen.scope_path
    assert record.match_status == MatchStatus.CONFIRMED


def test_a_candidate_outside_the_name_matches_cannot_be_chosen(
    county_user, county, township, other_township
):
    InstitutionFactory(township=township, name="福寿养老院")
    InstitutionFactory(township=other_township, name="福寿养老院")
    unrelated = InstitutionFactory(township=township, name="别的养老院")
    [record] = matched(county_user, complaint(county, "福寿养老院"))
    with pytest.raises(ValidationError):
        confirm_match(user=county_user, record=record, candidate=candidate_value(unrelated))
    record.refresh_from_db()
    assert record.match_status == MatchStatus.PENDING


def test_rejecting_clears_the_candidate_and_a_shared_entry_becomes_a_candidate_to_verify(
    county_user, county, township
):
    institution = InstitutionFactory(township=township, name="开云康养")
    entry = SharedListEntry(
        unit=county, subject_name="开云康养", source=SharedListSource.POLICE, township=township
    )
    matched(county_user, entry)
    assert entry.institution == institution
    assert entry not in four_looks.candidates(county_user)

    reject_match(user=county_user, record=entry)

    entry.refresh_from_db()
    assert entry.match_status == MatchStatus.REJECTED
    assert entry.institution is None
    assert entry.scope_path == township.path
    assert entry in four_looks.candidates(county_user)
    assert entry.history.order_by("-history_date", "-pk").first().history_user == county_user


def test_a_decided_match_cannot_be_decided_again(county_user, county, township):
    InstitutionFactory(township=township, name="开云镇福寿养老院")
    [record] = matched(county_user, complaint(county, "开云镇福寿养老院"))
    reject_match(user=county_user, record=record)
    with pytest.raises(ValidationError):
        confirm_match(user=county_user, record=record)


def test_registry_candidates_exclude_other_credit_codes(county_user, county, township):
    institution = InstitutionFactory(township=township, name="福寿养老院")
    record = complaint(county, "福寿养老院", credit_code="91430423MA4L0000X0")
    assert Registry.for_records(county_user, [record]).candidates(record) == []
    record.credit_code = ""
    assert Registry.for_records(county_user, [record]).candidates(record) == [institution]


# --- pages ------------------------------------------------------------------------------------


def pending_lawsuit(county, institution, n=1):
    suit = Lawsuit(
        unit=county,
        subject_name=institution.name,
        case_number=f"(2024)湘0423刑初{n}号",
        cause="集资诈骗罪",
        economic_crime=True,
        institution=institution,
        match_status=MatchStatus.PENDING,
    )
    suit.save()
    return suit


def test_county_sees_pending_matches_and_confirms_one(client_for, county_user, county, township):
    institution = InstitutionFactory(township=township, name="开云镇福寿养老院")
    suit = pending_lawsuit(county, institution)
    client = client_for(county_user)

    page = client.get(reverse("screening:match_list") + "?kind=lawsuit")
    assert page.status_code == 200
    assert "开云镇福寿养老院" in page.content.decode()
    response = client.post(
        reverse("screening:match_confirm", args=["lawsuit", suit.pk]),
        {"next": reverse("screening:match_list") + "?kind=lawsuit"},
    )

    assert response.status_code == 302
    suit.refresh_from_db()
    assert suit.match_status == MatchStatus.CONFIRMED
    assert suit.matched_by == county_user


def test_county_rejects_a_match_from_the_page(client_for, county_user, county, township):
    suit = pending_lawsuit(county, InstitutionFactory(township=township))
    response = client_for(county_user).post(
        reverse("screening:match_reject", args=["lawsuit", suit.pk]),
        {"next": "https://evil.example/"},
    )
    assert response.status_code == 302
    assert response["Location"].startswith("/")  # never an outside address
    suit.refresh_from_db()
    assert suit.match_status == MatchStatus.REJECTED
    assert suit.institution is None


def test_confirming_without_choosing_shows_a_message_not_an_error_page(
    client_for, county_user, county, township, other_township
):
    InstitutionFactory(township=township, name="福寿养老院")
    InstitutionFactory(township=other_township, name="福寿养老院")
    [record] = matched(county_user, complaint(county, "福寿养老院"))
    response = client_for(county_user).post(
        reverse("screening:match_confirm", args=["complaint", record.pk]), follow=True
    )
    assert response.status_code == 200
    assert "请选择该记录对应的机构或人员" in response.content.decode()
    record.refresh_from_db()
    assert record.match_status == MatchStatus.PENDING


@pytest.mark.parametrize("role", [Role.TOWNSHIP_STAFF, Role.LEADER])
def test_township_staff_and_leaders_cannot_see_or_decide_matches(
    client_for, role, county, township
):
    user = UserFactory(role=role, unit=township if role == Role.TOWNSHIP_STAFF else county)
    suit = pending_lawsuit(county, InstitutionFactory(township=township))
    client = client_for(user)
    assert client.get(reverse("screening:match_list")).status_code == 403
    for name in ("screening:match_confirm", "screening:match_reject"):
        assert client.post(reverse(name, args=["lawsuit", suit.pk])).status_code == 403
    suit.refresh_from_db()
    assert suit.match_status == MatchStatus.PENDING


def test_another_countys_match_is_not_found(client_for, county, township):
    other_county = CountyFactory(name="衡东县")
    other_user = UserFactory(role=Role.COUNTY_REVIEWER, unit=other_county)
    suit = pending_lawsuit(county, InstitutionFactory(township=township))
    client = client_for(other_user)
    for name in ("screening:match_confirm", "screening:match_reject"):
        assert client.post(reverse(name, args=["lawsuit", suit.pk])).status_code == 404
    assert "开云" not in client.get(reverse("screening:match_list")).content.decode()
    suit.refresh_from_db()
    assert suit.match_status == MatchStatus.PENDING


def test_an_unknown_kind_of_match_is_not_found(client_for, county_user):
    response = client_for(county_user).post(reverse("screening:match_confirm", args=["visit", 1]))
    assert response.status_code == 404


def test_match_list_query_count_does_not_grow_with_the_records(
    client_for, county_user, county, township, other_township
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(county_user)
    url = reverse("screening:match_list") + "?kind=complaint"

    def queries(n, start):
        for i in range(n):
            InstitutionFactory(township=township, name=f"同名{start + i}")
            InstitutionFactory(township=other_township, name=f"同名{start + i}")
            record = complaint(county, f"同名{start + i}")
            matched(county_user, record)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    assert queries(2, 0) == queries(20, 100)


def test_every_kind_of_pending_match_is_listed(client_for, county_user, county, township):
    institution = InstitutionFactory(township=township, name="开云康养")
    person = Person.objects.create(name="李四", id_number=id_number(9), unit=township)
    records = [
        Lawsuit(unit=county, subject_name="开云康养", case_number="(2024)1号", cause="诈骗罪"),
        BlacklistEntry(unit=county, subject_name="李四", list_kind=BlacklistKind.ELDER_CARE),
        complaint(county, "开云康养"),
        SharedListEntry(
            unit=county, subject_name="开云康养", source=SharedListSource.POLICE, township=township
        ),
    ]
    matched(county_user, *records)
    client = client_for(county_user)
    for kind, record in zip(("lawsuit", "blacklist", "complaint", "shared"), records, strict=True):
        content = client.get(reverse("screening:match_list") + f"?kind={kind}").content.decode()
        assert f'id="match-{kind}-{record.pk}"' in content, kind
    assert record.institution == institution
    assert records[1].person == person
