"""Spot checks (随机检查, 抽查; 衡山县 §三.三): the county section draws a reproducible random
sample of
institutions and venues; the draw is kept with who, when, seed and list; townships visit."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from risklists.models import RatingState
from screening.models import (
    ScreeningRound,
    ScreeningVisit,
    SpotCheckDraw,
    SpotCheckItem,
    VisitStatus,
)
from screening.services.spot_checks import draw_spot_check, replay, sample
from tests.factories import (
    CountyFactory,
    InstitutionFactory,
    TownshipFactory,
    UserFactory,
    VenueFactory,
)

pytestmark = pytest.mark.django_db
URL = reverse("screening:spot_check_list")


@pytest.fixture
def registry(township, other_township):
    kaiyun = [InstitutionFactory(township=township) for _ in range(6)]
    kaiyun.append(VenueFactory(township=township))
    InstitutionFactory(township=township, archived_at=timezone.now())
    baiguo = [InstitutionFactory(township=other_township) for _ in range(3)]
    return {"kaiyun": kaiyun, "baiguo": baiguo}


def drawn(draw):
    return list(draw.items.order_by("position").values_list("institution_id", flat=True))


def test_county_section_draws_a_reproducible_sample_and_the_history_names_who(
    client_for, county_user, registry
):
    response = client_for(county_user).post(
        URL, {"size": 4, "township": "", "seed": 20220115, "note": "暗访督查第一周"}
    )

    draw = SpotCheckDraw.objects.get()
    assert response.status_code == 302 and response["Location"] == draw.get_absolute_url()
    assert (draw.size, draw.seed, draw.note, draw.created_by) == (
        4,
        20220115,
        "暗访督查第一周",
        county_user,
    )
    assert len(draw.pool) == 10 and len(set(drawn(draw))) == 4
    assert replay(draw) == drawn(draw) == sample(draw.pool, 4, 20220115)
    assert draw.history.get().history_user == county_user
    again = draw_spot_check(user=county_user, size=4, seed=20220115)
    assert drawn(again) == drawn(draw)


def test_a_draw_without_a_seed_gets_one_and_keeps_it(county_user, registry):
    first = draw_spot_check(user=county_user, size=3)
    second = draw_spot_check(user=county_user, size=3)

    assert first.seed != second.seed
    assert replay(first) == drawn(first) and replay(second) == drawn(second)


def test_a_township_draw_takes_only_its_active_institutions_and_venues(
    county_user, township, registry
):
    draw = draw_spot_check(user=county_user, size=50, township=township, seed=1)

    assert sorted(drawn(draw)) == sorted(i.pk for i in registry["kaiyun"])


def test_only_red_orange_or_yellow_when_asked(county_user, registry):
    levels = ["yellow", "orange", "red", "green", ""]
    for institution, level in zip(registry["kaiyun"], levels, strict=False):
        RatingState.objects.update_or_create(
            institution=institution, defaults={"list_level": level}
        )

    draw = draw_spot_check(user=county_user, size=10, listed_only=True, seed=3)

    assert sorted(drawn(draw)) == sorted(i.pk for i in registry["kaiyun"][:3])
    assert draw.listed_only


def test_size_and_an_empty_pool_are_checked(client_for, county_user, township):
    with pytest.raises(ValidationError):
        draw_spot_check(user=county_user, size=3, township=township)
    response = client_for(county_user).post(URL, {"size": 0})
    assert response.status_code == 200 and "size" in response.context["form"].errors
    assert not SpotCheckDraw.objects.exists()


@pytest.mark.parametrize("role", [Role.TOWNSHIP_STAFF, Role.LEADER, Role.ADMINISTRATOR])
def test_only_the_county_section_draws(client_for, county, township, registry, role):
    user = UserFactory(unit=township if role == Role.TOWNSHIP_STAFF else county, role=role)

    response = client_for(user).post(URL, {"size": 2})

    assert response.status_code == 403
    with pytest.raises(PermissionDenied):
        draw_spot_check(user=user, size=2)
    assert not SpotCheckDraw.objects.exists()
    assert client_for(user).get(URL).context["form"] is None


def test_county_section_cannot_draw_in_a_township_of_another_county(county_user, registry):
    elsewhere = TownshipFactory(parent=CountyFactory(name="外县"))
    InstitutionFactory(township=elsewhere)

    with pytest.raises(PermissionDenied):
        draw_spot_check(user=county_user, size=1, township=elsewhere)


def test_township_reads_the_county_wide_draw_with_its_own_institutions_only(
    client_for, county_user, township_user, township, other_township, registry
):
    county_wide = draw_spot_check(user=county_user, size=10, seed=5)
    theirs = draw_spot_check(user=county_user, size=2, township=other_township, seed=5)
    client = client_for(township_user)

    listed = client.get(URL).context["page_obj"]
    page = client.get(county_wide.get_absolute_url())

    assert [d.pk for d in listed] == [county_wide.pk]
    assert {i.institution.township_id for i in page.context["items"]} == {township.pk}
    assert len(page.context["items"]) == 7
    assert client.get(theirs.get_absolute_url()).status_code == 404


def test_draws_of_another_county_answer_404(client_for, county_user):
    elsewhere = CountyFactory(name="外县")
    InstitutionFactory(township=TownshipFactory(parent=elsewhere))
    section = UserFactory(unit=elsewhere, role=Role.COUNTY_REVIEWER)
    draw = draw_spot_check(user=section, size=1)

    response = client_for(county_user).get(draw.get_absolute_url())

    assert response.status_code == 404
    assert list(client_for(county_user).get(URL).context["page_obj"]) == []


def test_detail_marks_those_visited_since_the_draw_and_links_to_a_covert_visit(
    client_for, county_user, township_user, township, registry
):
    draw = draw_spot_check(user=county_user, size=2, township=township, seed=11)
    first, second = draw.items.order_by("position")
    ScreeningVisit.objects.create(
        institution=first.institution,
        visited_on=timezone.localdate(),
        staff=township_user,
        status=VisitStatus.SUBMITTED,
    )
    ScreeningVisit.objects.create(
        institution=second.institution,
        visited_on=timezone.localdate() - timedelta(days=3),
        staff=township_user,
        status=VisitStatus.SUBMITTED,
    )

    page = client_for(township_user).get(draw.get_absolute_url())

    assert [i.visited for i in page.context["items"]] == [True, False]
    assert page.context["replayed"] is True
    link = (
        reverse("screening:visit_create")
        + f"?institution={second.institution_id}&amp;round={ScreeningRound.COVERT}"
    )
    content = page.content.decode()
    assert link in content and str(draw.seed) in content
    form = client_for(township_user).get(link.replace("&amp;", "&")).context["form"]
    assert form.instance.round == ScreeningRound.COVERT


def test_draws_are_in_the_audit_log(client_for, county_user, registry):
    draw_spot_check(user=county_user, size=2, seed=9)

    entries = (
        client_for(county_user)
        .get(reverse("audit_log"), {"kind": "screening.SpotCheckDraw"})
        .context["entries"]
    )

    assert [e.user for e in entries] == [county_user]


def test_detail_costs_the_same_queries_for_3_and_20_institutions(
    client_for, county_user, township, django_assert_max_num_queries
):
    for _ in range(20):
        InstitutionFactory(township=township)
    small = draw_spot_check(user=county_user, size=3, seed=1)
    large = draw_spot_check(user=county_user, size=20, seed=1)
    client = client_for(county_user)

    def queries(draw):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(draw.get_absolute_url()).status_code == 200
        return len(ctx.captured_queries)

    assert queries(small) == queries(large)
    with django_assert_max_num_queries(10):
        client.get(large.get_absolute_url())
    assert SpotCheckItem.objects.filter(draw=large).count() == 20


# --- 增加抽查检查频次: weighted by level (issue 20) ----------------------------------------------


def rate(institutions, level):
    for institution in institutions:
        RatingState.objects.update_or_create(
            institution=institution, defaults={"list_level": level}
        )


def test_a_weighted_draw_picks_yellow_institutions_more_often_than_green(county_user, township):
    yellow = [InstitutionFactory(township=township) for _ in range(20)]
    green = [InstitutionFactory(township=township) for _ in range(20)]
    rate(yellow, "yellow")
    rate(green, "green")
    yellow_ids = {i.pk for i in yellow}

    weighted = uniform = 0
    for seed in range(40):
        draw = draw_spot_check(user=county_user, size=10, seed=seed, weighted=True)
        weighted += sum(1 for pk in drawn(draw) if pk in yellow_ids)
        plain = draw_spot_check(user=county_user, size=10, seed=seed)
        uniform += sum(1 for pk in drawn(plain) if pk in yellow_ids)

    # 400 institutions drawn each way: about half yellow when uniform, about two thirds
    # (weights 2 : 1) when weighted.
    assert 170 <= uniform <= 230
    assert weighted >= 240
    assert draw.weighted and replay(draw) == drawn(draw)


def test_the_county_sets_the_weights_and_the_next_draw_uses_them(client_for, county_user, township):
    yellow = [InstitutionFactory(township=township) for _ in range(10)]
    green = [InstitutionFactory(township=township) for _ in range(10)]
    rate(yellow, "yellow")
    rate(green, "green")
    client = client_for(county_user)
    form = client.get(URL).context["weights_form"]
    version = {"edit_version": form["edit_version"].value()}

    response = client.post(
        URL, {**version, "save_weights": "1", "red": 3, "orange": 3, "yellow": 10, "green": 1}
    )

    assert response.status_code == 302
    from screening.models import SpotCheckWeights

    setting = SpotCheckWeights.objects.get(unit=county_user.unit)
    assert setting.yellow == 10
    assert setting.history.get().history_user == county_user
    draw = draw_spot_check(user=county_user, size=5, seed=1, weighted=True)
    weights = dict(zip(draw.pool, draw.weights, strict=True))
    assert {weights[i.pk] for i in yellow} == {10} and {weights[i.pk] for i in green} == {1}
    # A second save from the page opened before the first is refused.
    stale = client.post(
        URL, {**version, "save_weights": "1", "red": 1, "orange": 1, "yellow": 1, "green": 1}
    )
    assert "修改了这些设置" in stale.content.decode()
    setting.refresh_from_db()
    assert setting.yellow == 10


def test_a_township_cannot_set_the_weights(client_for, township_user):
    response = client_for(township_user).post(
        URL, {"save_weights": "1", "red": 1, "orange": 1, "yellow": 1, "green": 9}
    )

    assert response.status_code == 403


def test_the_risk_list_counts_the_spot_checks_of_this_month(
    client_for, county_user, township, django_assert_max_num_queries
):
    yellow = [InstitutionFactory(township=township, name=f"黄{i}") for i in range(3)]
    rate(yellow, "yellow")
    draw_spot_check(user=county_user, size=3, seed=1)
    draw_spot_check(user=county_user, size=1, seed=2)
    last_month = draw_spot_check(user=county_user, size=3, seed=3)
    SpotCheckDraw.objects.filter(pk=last_month.pk).update(
        created_at=timezone.now() - timedelta(days=40)
    )
    client = client_for(county_user)

    with django_assert_max_num_queries(20):
        response = client.get(reverse("risklists:list"))

    counts = {
        row.record.name: row.get_cell_value("spot_checks") for row in response.context["table"].rows
    }
    assert sorted(counts.values()) == [1, 1, 2]
    assert "本月抽查次数" in response.content.decode()
