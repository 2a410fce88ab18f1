"""Round windows (衡山县 §一.二 第五, §三): the county section sets the start and deadline of
each round; the
"四看" review shows per township what each round still has to cover and the days left."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Role, UnitLevel
from screening.models import CampaignRound, ScreeningRound, ScreeningVisit, VisitStatus
from screening.selectors import rounds
from screening.services.rounds import save_campaign_rounds
from tests.factories import (
    CountyFactory,
    InstitutionFactory,
    OrgUnitFactory,
    TownshipFactory,
    UserFactory,
    VenueFactory,
)
from tests.formdata import version_of_page

pytestmark = pytest.mark.django_db

FIRST, LOOK_BACK, COVERT = ScreeningRound.FIRST, ScreeningRound.LOOK_BACK, ScreeningRound.COVERT
# 衡山县: 全面摸排 by 2022-01-20, 暗访督查 01-15 to 01-25; district: 回头看 by the end of May.
WINDOWS = {
    FIRST: (date(2022, 1, 8), date(2022, 1, 20)),
    COVERT: (date(2022, 1, 15), date(2022, 1, 25)),
    LOOK_BACK: (date(2022, 3, 1), date(2022, 5, 31)),
}


@pytest.fixture
def frozen_today(monkeypatch):
    """Set the rounds' clock: ``frozen_today(date(2022, 1, 22))``."""

    def freeze(day: date):
        monkeypatch.setattr("core.clock.today", lambda: day)
        return day

    return freeze


def visit(institution, day, round_=FIRST, status=VisitStatus.SUBMITTED, staff=None):
    return ScreeningVisit.objects.create(
        institution=institution,
        visited_on=day,
        round=round_,
        status=status,
        staff=staff or UserFactory(unit=institution.township),
    )


def post_rounds(client, data):
    """Post the rounds' form as a browser that opened the page would: with its version."""
    url = reverse("screening:campaign_rounds")
    return client.post(url, {**version_of_page(client, url), **data})


def form_data(windows):
    data = {}
    for kind in ScreeningRound.values:
        starts_on, ends_on = windows.get(kind) or ("", "")
        data[f"{kind}_starts_on"] = str(starts_on)
        data[f"{kind}_ends_on"] = str(ends_on)
    return data


def cell(review, township, kind):
    return next(row for row in review.rows if row.township == township).rounds[kind]


# --- setting the windows -----------------------------------------------------------------------


def test_county_section_sets_the_windows_and_the_history_names_who(client_for, county_user):
    client = client_for(county_user)

    response = post_rounds(client, form_data(WINDOWS))

    assert response.status_code == 302
    stored = {
        r.kind: (r.starts_on, r.ends_on)
        for r in CampaignRound.objects.filter(unit=county_user.unit)
    }
    assert stored == WINDOWS
    assert {h.history_user for h in CampaignRound.history.all()} == {county_user}
    page = client.get(reverse("screening:campaign_rounds"))
    assert page.status_code == 200
    assert len(page.context["history"]) == 3
    content = page.content.decode()
    assert str(county_user) in content and "2022-01-20" in content


def test_changing_and_clearing_a_window_keeps_the_dates_before_in_the_history(
    client_for, county_user
):
    client = client_for(county_user)
    post_rounds(client, form_data(WINDOWS))
    later = dict(WINDOWS, **{FIRST: (date(2022, 1, 8), date(2022, 1, 31))})
    del later[COVERT]

    post_rounds(client, form_data(later))

    assert not CampaignRound.objects.filter(kind=COVERT).exists()
    history = client.get(reverse("screening:campaign_rounds")).context["history"]
    newest = {(c.record.kind, c.record.history_type): c for c in history[:2]}
    changed = newest[(FIRST, "~")]
    assert changed.before == WINDOWS[FIRST]
    assert changed.after == (date(2022, 1, 8), date(2022, 1, 31))
    cleared = newest[(COVERT, "-")]
    assert cleared.before == WINDOWS[COVERT] and cleared.after is None
    assert cleared.record.history_user == county_user


def test_window_changes_are_in_the_audit_log_of_the_county_only(
    client_for, county_user, township_user
):
    elsewhere = CountyFactory(name="外县")
    other_section = UserFactory(unit=elsewhere, role=Role.COUNTY_REVIEWER)
    save_campaign_rounds(user=county_user, unit=county_user.unit, windows=WINDOWS)
    save_campaign_rounds(user=county_user, unit=county_user.unit, windows={COVERT: None})

    entries = (
        client_for(county_user)
        .get(reverse("audit_log"), {"kind": "screening.CampaignRound"})
        .context["entries"]
    )
    other = (
        client_for(other_section)
        .get(reverse("audit_log"), {"kind": "screening.CampaignRound"})
        .context["entries"]
    )

    assert len(entries) == 4
    assert {e.user for e in entries} == {county_user}
    assert list(other) == []


def test_saving_the_same_windows_again_records_no_change(county_user):
    save_campaign_rounds(user=county_user, unit=county_user.unit, windows=WINDOWS)

    saved = save_campaign_rounds(user=county_user, unit=county_user.unit, windows=WINDOWS)

    assert saved == []
    assert CampaignRound.history.count() == 3


def test_form_needs_both_dates_and_a_deadline_not_before_the_start(client_for, county_user):
    client = client_for(county_user)
    data = form_data({FIRST: (date(2022, 1, 20), date(2022, 1, 8))})
    data[f"{LOOK_BACK}_starts_on"] = "2022-03-01"

    response = client.post(reverse("screening:campaign_rounds"), data)

    assert response.status_code == 200
    form = response.context["form"]
    assert f"{FIRST}_ends_on" in form.errors
    assert f"{LOOK_BACK}_ends_on" in form.errors
    assert not CampaignRound.objects.exists()


@pytest.mark.parametrize("role", [Role.TOWNSHIP_STAFF, Role.LEADER, Role.ADMINISTRATOR])
def test_only_the_county_section_may_set_the_windows(client_for, county, township, role):
    unit = township if role == Role.TOWNSHIP_STAFF else county
    user = UserFactory(unit=unit, role=role)
    client = client_for(user)

    response = client.post(reverse("screening:campaign_rounds"), form_data(WINDOWS))

    assert response.status_code == 403
    assert not CampaignRound.objects.exists()
    with pytest.raises(PermissionDenied):
        save_campaign_rounds(user=user, unit=county, windows=WINDOWS)


def test_township_reads_its_county_windows_without_a_form(client_for, county_user, township_user):
    save_campaign_rounds(user=county_user, unit=county_user.unit, windows=WINDOWS)

    response = client_for(township_user).get(reverse("screening:campaign_rounds"))

    assert response.status_code == 200
    assert response.context["form"] is None
    shown = {kind: window for kind, _label, window, _p in response.context["windows"]}
    assert shown[FIRST].ends_on == date(2022, 1, 20)
    assert len(response.context["history"]) == 3


def test_county_section_cannot_set_the_windows_of_another_county_or_of_a_township(
    county_user, township
):
    elsewhere = CountyFactory(name="外县")
    with pytest.raises(PermissionDenied):
        save_campaign_rounds(user=county_user, unit=elsewhere, windows=WINDOWS)
    with pytest.raises(PermissionDenied):
        save_campaign_rounds(user=county_user, unit=township, windows=WINDOWS)
    assert not CampaignRound.objects.exists()


def test_windows_of_another_county_are_invisible(client_for, county_user, township):
    elsewhere = CountyFactory(name="外县")
    other_section = UserFactory(unit=elsewhere, role=Role.COUNTY_REVIEWER)
    save_campaign_rounds(user=other_section, unit=elsewhere, windows=WINDOWS)
    InstitutionFactory(township=township)

    page = client_for(county_user).get(reverse("screening:campaign_rounds"))
    review = client_for(county_user).get(reverse("screening:four_looks")).context["rounds"]

    assert all(window is None for _k, _l, window, _p in page.context["windows"])
    assert page.context["history"] == []
    assert not CampaignRound.objects.visible_to(county_user).exists()
    assert not review


def test_the_nearest_unit_decides_a_county_overrides_its_city(county_user, township):
    city = OrgUnitFactory(name="衡阳市", level=UnitLevel.CITY)
    county = county_user.unit
    county.parent = city
    county.save()
    township.refresh_from_db()
    city_section = UserFactory(unit=city, role=Role.COUNTY_REVIEWER)
    save_campaign_rounds(user=city_section, unit=city, windows=WINDOWS)
    save_campaign_rounds(
        user=county_user, unit=county, windows={FIRST: (date(2022, 1, 5), date(2022, 1, 18))}
    )
    county_user.refresh_from_db()

    windows = rounds.windows_for_paths(county_user, [township.path])[township.path]

    assert (windows[FIRST].starts_on, windows[FIRST].unit) == (date(2022, 1, 5), county)
    assert windows[LOOK_BACK].unit == city


# --- the progress against the windows -----------------------------------------------------------


@pytest.fixture
def campaign(county_user, township, other_township):
    """开云镇: 3 institutions, 2 visited in the first round; 白果镇: its one visited."""
    save_campaign_rounds(user=county_user, unit=county_user.unit, windows=WINDOWS)
    kaiyun = [InstitutionFactory(township=township) for _ in range(2)]
    kaiyun.append(VenueFactory(township=township))
    visit(kaiyun[0], date(2022, 1, 10))
    visit(kaiyun[1], date(2022, 1, 19))
    visit(kaiyun[1], date(2022, 1, 18), round_=COVERT)
    baiguo = InstitutionFactory(township=other_township)
    visit(baiguo, date(2022, 1, 12))
    return {"kaiyun": kaiyun, "baiguo": baiguo}


def test_a_township_behind_after_the_deadline_is_overdue_by_the_days_since(
    campaign, county_user, township, other_township
):
    review = rounds.round_progress(county_user, today=date(2022, 1, 22))

    kaiyun = cell(review, township, FIRST)
    assert (kaiyun.scope, kaiyun.covered, kaiyun.to_cover) == (3, 2, 1)
    assert kaiyun.state == rounds.RoundState.OVERDUE
    assert kaiyun.days_overdue == 2
    assert cell(review, other_township, FIRST).state == rounds.RoundState.DONE
    total = review.totals[FIRST]
    assert (total.scope, total.covered, total.to_cover, total.overdue_townships) == (4, 3, 1, 1)
    assert total.window.ends_on == date(2022, 1, 20)


def test_open_round_counts_the_days_left_and_a_future_one_the_days_to_its_start(
    campaign, county_user, township
):
    review = rounds.round_progress(county_user, today=date(2022, 1, 14))

    first = cell(review, township, FIRST)
    assert (first.state, first.days_left) == (rounds.RoundState.OPEN, 6)
    covert = cell(review, township, COVERT)
    assert (covert.state, covert.days_to_start) == (rounds.RoundState.UPCOMING, 1)
    look_back = cell(review, township, LOOK_BACK)
    assert look_back.state == rounds.RoundState.UPCOMING
    assert look_back.scope == 3 and look_back.covered == 0
    assert review.kinds == [FIRST, LOOK_BACK, COVERT]


def test_covert_inspection_counts_the_institutions_visited_with_nothing_to_cover(
    campaign, county_user, township
):
    review = rounds.round_progress(county_user, today=date(2022, 1, 22))

    covert = cell(review, township, COVERT)
    assert (covert.scope, covert.covered, covert.to_cover) == (None, 1, None)
    assert (covert.state, covert.days_left) == (rounds.RoundState.OPEN, 3)


def test_a_visit_after_the_deadline_still_covers(campaign, county_user, township):
    visit(campaign["kaiyun"][2], date(2022, 1, 21))

    review = rounds.round_progress(county_user, today=date(2022, 1, 22))

    assert cell(review, township, FIRST).to_cover == 0
    assert cell(review, township, FIRST).state == rounds.RoundState.DONE


def test_drafts_visits_before_the_start_and_visits_of_another_round_do_not_cover(
    campaign, county_user, township
):
    last = campaign["kaiyun"][2]
    visit(last, date(2022, 1, 12), status=VisitStatus.DRAFT)
    visit(last, date(2022, 1, 2))
    visit(last, date(2022, 1, 16), round_=COVERT)

    review = rounds.round_progress(county_user, today=date(2022, 1, 22))

    assert cell(review, township, FIRST).to_cover == 1


def test_review_starts_at_the_first_rounds_start_once_it_has_begun(
    client_for, county_user, frozen_today
):
    save_campaign_rounds(user=county_user, unit=county_user.unit, windows=WINDOWS)
    assert rounds.review_start(county_user, date(2022, 1, 7)) == date(2022, 1, 1)
    frozen_today(date(2022, 1, 22))

    response = client_for(county_user).get(reverse("screening:four_looks"))

    assert response.context["since"] == date(2022, 1, 8)
    assert rounds.review_start(county_user) == date(2022, 1, 8)


def test_four_looks_page_shows_each_round_with_deadline_state_and_link(
    client_for, campaign, county_user, township, frozen_today
):
    frozen_today(date(2022, 1, 22))

    response = client_for(county_user).get(reverse("screening:four_looks"))

    content = response.content.decode()
    assert 'data-round-township="total"' in content
    assert "2022-01-08 – 2022-01-20" in content
    assert 'data-state="overdue"' in content and 'data-badge="overdue"' in content
    link = (
        reverse("screening:review_not_screened")
        + f"?since=2022-01-08&amp;round={FIRST}&amp;township={township.pk}"
    )
    assert link in content


def test_not_screened_list_of_a_round_lists_what_the_round_has_left(
    client_for, campaign, county_user, township
):
    url = reverse("screening:review_not_screened")

    response = client_for(county_user).get(
        url, {"since": "2022-01-08", "round": FIRST, "township": township.pk}
    )
    look_back = client_for(county_user).get(url, {"since": "2022-03-01", "round": LOOK_BACK})

    assert [i.pk for i in response.context["page_obj"]] == [campaign["kaiyun"][2].pk]
    assert "round=first" in response.context["query"]
    assert look_back.context["page_obj"].paginator.count == 4


def test_township_sees_its_own_row_only(client_for, campaign, township_user, township):
    response = client_for(township_user).get(reverse("screening:four_looks"))

    review = response.context["rounds"]
    assert [row.township for row in review.rows] == [township]
    assert review.totals[FIRST].scope == 3
    other = client_for(township_user).get(
        reverse("screening:review_not_screened"),
        {"since": "2022-01-08", "round": FIRST},
    )
    assert {i.township_id for i in other.context["page_obj"]} == {township.pk}


# --- queries -----------------------------------------------------------------------------------


def build_townships(county, n, start=0):
    for k in range(start, start + n):
        town = TownshipFactory(parent=county, name=f"轮次镇{k}")
        a = InstitutionFactory(township=town)
        VenueFactory(township=town)
        visit(a, date(2022, 1, 10))
        visit(a, date(2022, 1, 16), round_=COVERT)


def page_queries(client, name):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse(name))
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("name", ["screening:four_looks", "screening:campaign_rounds"])
def test_round_pages_cost_the_same_queries_for_2_and_10_townships(
    client_for, county, county_user, frozen_today, django_assert_max_num_queries, name
):
    frozen_today(date(2022, 1, 22))
    save_campaign_rounds(user=county_user, unit=county, windows=WINDOWS)
    client = client_for(county_user)
    build_townships(county, 2)
    small = page_queries(client, name)

    build_townships(county, 8, start=2)
    save_campaign_rounds(
        user=county_user, unit=county, windows={FIRST: (date(2022, 1, 9), date(2022, 1, 20))}
    )

    assert page_queries(client, name) == small
    # 13: the four-looks page also counts the visits to follow up (the county's limits and
    # one query of candidates, issue 15), whatever the number of townships.
    with django_assert_max_num_queries(13):
        client.get(reverse(name))
