"""Publicity activities: forms refuse negative counts and future dates; every page and
POST is scoped (another township's record is 404) and leaders are read-only (403)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from reporting.choices import PlaceType
from reporting.forms import PublicityActivityForm
from reporting.models import PublicityActivity
from tests.formdata import version_of_page

from .factories import PublicityActivityFactory

pytestmark = pytest.mark.django_db


def form_data(township, **overrides):
    data = {
        "township": township.pk,
        "held_on": timezone.localdate().isoformat(),
        "place_type": PlaceType.COMMUNITY,
        "place_name": "城东社区",
        "posters": 3,
        "banners": 1,
        "leaflets": 80,
        "videos": 1,
        "participants": 45,
        "notes": "",
    }
    data.update(overrides)
    return data


def test_township_user_records_a_publicity_activity(client_for, township_user, township):
    client = client_for(township_user)

    response = client.post(reverse("reporting:publicity_create"), form_data(township))

    activity = PublicityActivity.objects.get()
    assert response.status_code == 302
    assert response.url == activity.get_absolute_url()
    assert (activity.posters, activity.participants) == (3, 45)
    assert activity.created_by == township_user
    assert activity.scope_path == township.path
    assert activity.history.get().history_user == township_user


def test_township_user_records_publicity_in_a_square_where_elders_gather(
    client_for, township_user, township
):
    """衡山县方案 §二.四: 走进公园、走进广场等老年人聚集的场所开展宣传 — a place type beside the
    district plan's "三进", kept with the activity's date, materials and people reached."""
    client = client_for(township_user)
    day = timezone.localdate() - timedelta(days=2)
    offered = client.get(reverse("reporting:publicity_create")).context["form"]
    assert PlaceType.GATHERING_PLACE in dict(offered.fields["place_type"].choices)

    response = client.post(
        reverse("reporting:publicity_create"),
        form_data(
            township,
            held_on=day.isoformat(),
            place_type=PlaceType.GATHERING_PLACE,
            place_name="开云镇文化广场",
            posters=4,
            banners=2,
            leaflets=150,
            videos=1,
            participants=120,
        ),
    )

    activity = PublicityActivity.objects.get()
    assert response.status_code == 302
    assert (activity.held_on, activity.place_type, activity.place_name) == (
        day,
        PlaceType.GATHERING_PLACE,
        "开云镇文化广场",
    )
    four_seen = (activity.posters, activity.banners, activity.leaflets, activity.videos)
    assert four_seen == (4, 2, 150, 1)
    assert activity.participants == 120
    detail = client.get(activity.get_absolute_url()).content.decode()
    assert "走进公园、广场等老年人聚集场所" in detail
    PublicityActivityFactory(township=township, place_type=PlaceType.VILLAGE)
    listed = client.get(reverse("reporting:publicity_list"), {"place_type": "gathering_place"})
    assert list(listed.context["table"].data) == [activity]


@pytest.mark.parametrize("field", ["posters", "banners", "leaflets", "videos", "participants"])
def test_negative_counts_are_refused(township_user, township, field):
    form = PublicityActivityForm(form_data(township, **{field: -1}), user=township_user)

    assert not form.is_valid()
    assert field in form.errors


def test_future_dates_are_refused(client_for, township_user, township):
    tomorrow = timezone.localdate() + timedelta(days=1)

    response = client_for(township_user).post(
        reverse("reporting:publicity_create"), form_data(township, held_on=tomorrow.isoformat())
    )

    assert response.status_code == 200
    assert "held_on" in response.context["form"].errors
    assert not PublicityActivity.objects.exists()


def test_another_townships_township_cannot_be_chosen(client_for, township_user, other_township):
    response = client_for(township_user).post(
        reverse("reporting:publicity_create"), form_data(other_township)
    )

    assert response.status_code == 200
    assert "township" in response.context["form"].errors
    assert not PublicityActivity.objects.exists()


def test_an_institution_of_another_township_is_refused(
    client_for, county_user, township, other_township
):
    from tests.factories import InstitutionFactory

    elsewhere = InstitutionFactory(township=other_township)

    response = client_for(county_user).post(
        reverse("reporting:publicity_create"),
        form_data(township, institution=elsewhere.pk, place_type=PlaceType.INSTITUTION),
    )

    assert response.status_code == 200
    assert "institution" in response.context["form"].errors


def test_township_user_updates_their_activity_and_the_history_names_them(
    client_for, township_user, township
):
    activity = PublicityActivityFactory(township=township)

    client = client_for(township_user)
    url = reverse("reporting:publicity_update", args=[activity.pk])
    response = client.post(url, {**version_of_page(client, url), **form_data(township, posters=7)})

    activity.refresh_from_db()
    assert response.status_code == 302
    assert activity.posters == 7
    assert activity.history.first().history_user == township_user


@pytest.mark.parametrize("name", ["publicity_detail", "publicity_update"])
def test_township_user_gets_404_for_another_townships_activity(
    client_for, township_user, other_township, name
):
    activity = PublicityActivityFactory(township=other_township)
    client = client_for(township_user)
    url = reverse(f"reporting:{name}", args=[activity.pk])

    assert client.get(url).status_code == 404
    if name == "publicity_update":
        assert client.post(url, form_data(other_township, posters=0)).status_code == 404
        activity.refresh_from_db()
        assert activity.posters == 2


def test_list_shows_only_the_users_township(client_for, township_user, township, other_township):
    mine = PublicityActivityFactory(township=township, place_name="本镇村部")
    PublicityActivityFactory(township=other_township, place_name="外镇村部")

    response = client_for(township_user).get(reverse("reporting:publicity_list"))

    assert response.status_code == 200
    assert list(response.context["table"].data) == [mine]
    assert "外镇村部" not in response.content.decode()


def test_list_takes_a_constant_number_of_queries(
    client_for, county_user, township, django_assert_max_num_queries
):
    PublicityActivityFactory.create_batch(20, township=township)
    client = client_for(county_user)

    with django_assert_max_num_queries(12):
        response = client.get(reverse("reporting:publicity_list"))

    assert response.status_code == 200


@pytest.mark.parametrize(
    ("name", "needs_pk"),
    [("publicity_create", False), ("publicity_update", True)],
)
def test_leader_is_read_only(client_for, leader, township, name, needs_pk):
    activity = PublicityActivityFactory(township=township)
    client = client_for(leader)
    url = reverse(f"reporting:{name}", args=[activity.pk] if needs_pk else [])

    assert client.get(url).status_code == 403
    assert client.post(url, form_data(township, posters=0)).status_code == 403
    assert PublicityActivity.objects.count() == 1


def test_leader_reads_the_list_and_the_detail(client_for, leader, township):
    activity = PublicityActivityFactory(township=township)
    client = client_for(leader)

    assert client.get(reverse("reporting:publicity_list")).status_code == 200
    detail = client.get(activity.get_absolute_url())
    assert detail.status_code == 200
    assert reverse("reporting:publicity_update", args=[activity.pk]) not in detail.content.decode()
