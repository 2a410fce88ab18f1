"""The "四看" review: its figures on a small hand-built county, its lists, its two writes."""

from datetime import date
from urllib.parse import quote

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.selectors import visible_townships
from screening.models import (
    MatchStatus,
    OfficialCount,
    ScreeningVisit,
    SharedListEntry,
    SharedListSource,
    VisitStatus,
)
from screening.selectors import four_looks
from tests.factories import InstitutionFactory, TownshipFactory, UserFactory, VenueFactory
from tests.formdata import version_of_page

pytestmark = pytest.mark.django_db
SINCE = date(2026, 1, 1)


def visit(institution, staff, day=date(2026, 3, 1), status=VisitStatus.SUBMITTED):
    return ScreeningVisit.objects.create(
        institution=institution, visited_on=day, staff=staff, status=status
    )


def entry(unit, township, name, status=MatchStatus.UNMATCHED, institution=None, **extra):
    return SharedListEntry.objects.create(
        unit=unit,
        township=township,
        subject_name=name,
        source=SharedListSource.MARKET_REGULATION,
        match_status=status,
        institution=institution,
        **extra,
    )


@pytest.fixture
def county_data(county, township, other_township, township_user, county_user):
    staff = township_user
    data = {
        "complete": InstitutionFactory(township=township, name="甲养老院"),
        "incomplete": InstitutionFactory(township=township, name="乙养老院", principal=""),
        "venue": VenueFactory(township=township, name="丙颐养之家"),
        "draft_only": InstitutionFactory(
            township=township, name="丁养老院", established_on=date(2010, 5, 1)
        ),
        "new": InstitutionFactory(
            township=township, name="戊养老院", established_on=date(2026, 5, 1)
        ),
        "last_year": InstitutionFactory(
            township=township, name="己养老院", established_on=date(2015, 5, 1)
        ),
        "archived": InstitutionFactory(
            township=township, name="庚养老院", archived_at=timezone.now()
        ),
        "other": InstitutionFactory(township=other_township, name="外镇养老院"),
    }
    for key in ("complete", "incomplete", "venue"):
        visit(data[key], staff)
    visit(data["draft_only"], staff, status=VisitStatus.DRAFT)
    visit(data["last_year"], staff, day=date(2025, 11, 2))
    visit(data["other"], UserFactory(unit=other_township))
    OfficialCount.objects.create(unit=township, as_of=date(2025, 12, 31), institutions=5)
    OfficialCount.objects.create(unit=township, as_of=date(2026, 3, 31), institutions=4)
    entry(county, township, "开云康养有限公司")
    entry(county, township, "开云养生馆", verified_note="不属于养老服务")
    entry(county, township, "开云乐龄有限公司", status=MatchStatus.REJECTED)
    entry(county, township, "甲养老院", MatchStatus.MATCHED, institution=data["complete"])
    entry(county, township, "乙养老院有限公司", MatchStatus.PENDING, institution=data["incomplete"])
    entry(county, other_township, "白果颐养有限公司")
    entry(county, None, "来源不明养老公司")
    return data


def rows_by_name(review):
    return {row.township.name: row for row in review.rows}


def test_the_four_looks_figures_of_a_township(county_data, county_user):
    review = four_looks.township_review(county_user, SINCE)
    row = rows_by_name(review)["开云镇"]
    # 一看: three screened (a draft and last year's visit do not count), one incomplete.
    assert (row.screened, row.screened_venues, row.screened_incomplete) == (3, 1, 1)
    assert row.complete_percent == 67
    # 二看: the latest official count, and the difference to the number screened.
    assert row.official.institutions == 4
    assert row.difference == -1
    # 三看: unmatched and rejected entries of this township; one of them already verified.
    assert (row.candidates, row.candidates_verified, row.candidates_to_verify) == (3, 1, 2)
    # 四看: not screened, the archived record left out; one established in the campaign.
    assert (row.not_screened, row.not_screened_new) == (3, 1)
    other = rows_by_name(review)["白果镇"]
    assert (other.screened, other.candidates, other.official, other.difference) == (
        1,
        1,
        None,
        None,
    )
    assert review.candidates_without_township == 1
    assert review.total.screened == 4
    assert review.total.official_count == 4


def test_a_draft_visit_does_not_count_as_screened(county_data, county_user, township_user):
    draft_only = county_data["draft_only"]
    assert draft_only in four_looks.not_screened(county_user, SINCE)
    visit(draft_only, township_user, day=date(2026, 6, 1))
    assert draft_only not in four_looks.not_screened(county_user, SINCE)


def test_campaign_start_moves_what_counts_as_screened(county_data, county_user):
    row = rows_by_name(four_looks.township_review(county_user, date(2025, 10, 1)))["开云镇"]
    assert row.screened == 4
    row = rows_by_name(four_looks.township_review(county_user, date(2026, 4, 1)))["开云镇"]
    assert row.screened == 0


def test_default_campaign_start_is_the_latest_first_of_january():
    assert four_looks.campaign_start(date(2026, 11, 23)) == date(2026, 1, 1)
    assert four_looks.campaign_start(date(2027, 1, 1)) == date(2027, 1, 1)


def test_township_user_sees_only_their_township_and_its_candidates(county_data, township_user):
    review = four_looks.township_review(township_user, SINCE)
    assert [row.township.name for row in review.rows] == ["开云镇"]
    assert review.rows[0].candidates == 3
    assert review.candidates_without_township == 0
    names = {e.subject_name for e in four_looks.candidates(township_user)}
    assert names == {"开云康养有限公司", "开云养生馆", "开云乐龄有限公司"}


def test_not_screened_list_puts_the_newly_established_first(county_data, township_user):
    names = [i.name for i in four_looks.not_screened(township_user, SINCE)]
    assert names == ["戊养老院", "己养老院", "丁养老院"]


def test_completeness_of_one_record_names_what_is_missing(county_data):
    percent, missing = four_looks.completeness(county_data["incomplete"])
    assert missing == ["主要负责人"]
    assert percent == 88  # 7 of the 8 fields a registered record needs


# --- pages ---------------------------------------------------------------------------------


def test_four_looks_page_shows_the_figures_with_links(client_for, county_data, county_user):
    response = client_for(county_user).get(reverse("screening:four_looks") + "?since=2026-01-01")
    assert response.status_code == 200
    content = response.content.decode()
    assert "67%" in content
    assert "-1" in content
    assert reverse("screening:review_incomplete") + "?since=2026-01-01" in content
    assert reverse("screening:official_count_edit", args=[county_data["other"].township_id]) in (
        content
    )


def test_four_looks_page_without_since_uses_the_campaign_start(client_for, county_user):
    response = client_for(county_user).get(reverse("screening:four_looks"))
    assert response.context["since"] == four_looks.campaign_start()
    response = client_for(county_user).get(reverse("screening:four_looks") + "?since=bad")
    assert response.status_code == 200
    assert response.context["since"] == four_looks.campaign_start()


def test_review_lists_show_only_the_user_township(client_for, county_data, township_user):
    client = client_for(township_user)
    other = county_data["other"].township_id
    pages = {
        "screening:review_incomplete": "乙养老院",
        "screening:review_not_screened": "戊养老院",
        "screening:candidates": "开云康养有限公司",
    }
    for name, mine in pages.items():
        content = client.get(reverse(name) + "?since=2026-01-01&state=all").content.decode()
        assert mine in content
        assert "外镇养老院" not in content and "白果颐养有限公司" not in content
        filtered = client.get(reverse(name) + f"?township={other}&state=all").content.decode()
        assert "白果颐养有限公司" not in filtered


def test_candidate_page_links_to_a_prefilled_registry_form(client_for, county_data, county_user):
    content = client_for(county_user).get(reverse("screening:candidates")).content.decode()
    assert reverse("institutions:create") + "?name=" + quote("开云康养有限公司") in content
    assert "开云养生馆" not in content  # already verified: not in "to verify"


def test_township_user_records_a_verification(client_for, county_data, township_user, township):
    candidate = SharedListEntry.objects.get(subject_name="开云康养有限公司")
    response = client_for(township_user).post(
        reverse("screening:candidate_verify", args=[candidate.pk]),
        {"outcome": "unregistered", "note": "现场收住老人6名"},
    )
    assert response.status_code == 302
    candidate.refresh_from_db()
    assert candidate.verified_note.endswith("：现场收住老人6名")
    assert candidate.history.latest("history_date").history_user == township_user
    row = four_looks.township_review(township_user, SINCE).rows[0]
    assert row.candidates_verified == 2


def test_verification_without_an_outcome_changes_nothing(client_for, county_data, township_user):
    candidate = SharedListEntry.objects.get(subject_name="开云康养有限公司")
    client_for(township_user).post(
        reverse("screening:candidate_verify", args=[candidate.pk]), {"outcome": "", "note": "x"}
    )
    candidate.refresh_from_db()
    assert candidate.verified_note == ""


def test_candidate_of_another_township_answers_404(client_for, county_data, township_user):
    foreign = SharedListEntry.objects.get(subject_name="白果颐养有限公司")
    response = client_for(township_user).post(
        reverse("screening:candidate_verify", args=[foreign.pk]), {"outcome": "unregistered"}
    )
    assert response.status_code == 404
    foreign.refresh_from_db()
    assert foreign.verified_note == ""


def test_leader_reads_the_review_but_cannot_write(client_for, county_data, leader, township):
    client = client_for(leader)
    assert client.get(reverse("screening:four_looks")).status_code == 200
    assert client.get(reverse("screening:candidates")).status_code == 200
    candidate = SharedListEntry.objects.get(subject_name="开云康养有限公司")
    response = client.post(
        reverse("screening:candidate_verify", args=[candidate.pk]), {"outcome": "unregistered"}
    )
    assert response.status_code == 403
    url = reverse("screening:official_count_edit", args=[township.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"as_of": "2026-06-30", "institutions": 9}).status_code == 403


def test_county_enters_the_official_count_and_a_second_one_replaces_it(
    client_for, county_user, township
):
    client = client_for(county_user)
    url = reverse("screening:official_count_edit", args=[township.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"as_of": "2026-06-30", "institutions": 9, **version_of_page(client, url)}
    )
    assert response.status_code == 302
    client.post(
        url,
        {
            "as_of": "2026-06-30",
            "institutions": 11,
            "notes": "更正",
            **version_of_page(client, url),
        },
    )
    count = OfficialCount.objects.get()
    assert (count.unit, count.institutions, count.notes) == (township, 11, "更正")
    assert count.history.count() == 2
    assert count.history.latest("history_date").history_user == county_user


def test_official_count_cannot_be_dated_in_the_future(client_for, county_user, township):
    client = client_for(county_user)
    url = reverse("screening:official_count_edit", args=[township.pk])
    response = client.post(
        url, {"as_of": "2099-01-01", "institutions": 3, **version_of_page(client, url)}
    )
    assert response.status_code == 200
    assert "as_of" in response.context["form"].errors
    assert not OfficialCount.objects.exists()


def test_official_count_is_for_the_county_only_and_scoped(
    client_for, township_user, township, county_user
):
    url = reverse("screening:official_count_edit", args=[township.pk])
    assert (
        client_for(township_user).post(url, {"as_of": "2026-06-30", "institutions": 1}).status_code
        == 403
    )
    elsewhere = TownshipFactory(name="外县某镇")  # under another county
    response = client_for(county_user).get(
        reverse("screening:official_count_edit", args=[elsewhere.pk])
    )
    assert response.status_code == 404


# --- queries -----------------------------------------------------------------------------------


def build_townships(county, n, staff, start=0):
    for k in range(start, start + n):
        town = TownshipFactory(parent=county, name=f"查询镇{k}")
        a = InstitutionFactory(township=town)
        InstitutionFactory(township=town, principal="")
        VenueFactory(township=town)
        visit(a, staff)
        OfficialCount.objects.create(unit=town, as_of=date(2026, 3, 1), institutions=3)
        entry(county, town, f"查询公司{k}")


def page_queries(client):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("screening:four_looks"))
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_four_looks_page_queries_do_not_grow_with_townships(
    client_for, county, county_user, django_assert_max_num_queries
):
    client = client_for(county_user)
    build_townships(county, 2, county_user)
    small = page_queries(client)
    build_townships(county, 8, county_user, start=2)
    assert len(visible_townships(county_user)) == 10
    assert page_queries(client) == small
    # 12: the two of the round windows included.
    with django_assert_max_num_queries(12):
        client.get(reverse("screening:four_looks"))


# --- 一看: large prepayments whose use of the funds is not recorded (issue 14) --------------


def test_large_prepayments_without_a_recorded_use_are_counted_and_listed_until_recorded(
    client_for, township, other_township, township_user, county_user
):
    from risklists.services import rate
    from tests.risklists.factories import invest

    unrecorded = InstitutionFactory(township=township, name="甲预付养老院")
    recorded = InstitutionFactory(township=township, name="乙预付养老院")
    elsewhere = InstitutionFactory(township=other_township, name="丙预付养老院")
    for institution in (unrecorded, recorded, elsewhere):
        invest(institution)
    ScreeningVisit.objects.create(
        institution=recorded,
        visited_on=date(2026, 3, 1),
        staff=township_user,
        status=VisitStatus.SUBMITTED,
        fund_use="facility_construction",
    )
    rate([unrecorded, recorded, elsewhere])

    review = four_looks.count_fund_use_to_verify(
        county_user, four_looks.township_review(county_user, SINCE)
    )
    rows = rows_by_name(review)
    assert rows[township.name].fund_use_to_verify == 1
    assert rows[other_township.name].fund_use_to_verify == 1
    assert review.total.fund_use_to_verify == 2
    page = client_for(county_user).get(reverse("screening:four_looks") + "?since=2026-01-01")
    assert reverse("screening:review_fund_use") in page.content.decode()

    listed = client_for(township_user).get(reverse("screening:review_fund_use")).content.decode()
    assert "甲预付养老院" in listed
    assert "乙预付养老院" not in listed and "丙预付养老院" not in listed

    ScreeningVisit.objects.create(
        institution=unrecorded,
        visited_on=date(2026, 4, 1),
        staff=township_user,
        status=VisitStatus.SUBMITTED,
        fund_use="operations",
    )
    rate([unrecorded])
    assert (
        rows_by_name(four_looks.township_review(county_user, SINCE))[
            township.name
        ].fund_use_to_verify
        == 0
    )
