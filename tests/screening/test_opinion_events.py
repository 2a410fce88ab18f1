"""负面舆情 events (district §二(一)三: 加强舆情信息监测…一旦出现负面舆情，要及时协调加强引导管控;
衡山县 §二.四: 加强防范化解过程中的负面舆情监测和应对): recorded with source, date, level,
response and outcome; a 重大 one about an institution is the rating's R5 (引起不良影响或重大舆情)
until the county section resolves it, as the other findings that stay found."""

from contextlib import contextmanager
from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from risklists.models import RatingState
from screening.models import (
    OpinionEvent,
    OpinionLevel,
    OpinionSource,
    ScreeningVisit,
    SourceKind,
    StandingFact,
)
from screening.selectors.findings import standing_findings
from screening.services.findings import resolve_finding
from screening.services.visits import save_visit
from tests.exporting import column, queries_of, sheet_rows
from tests.factories import InstitutionFactory

from .factories import OpinionEventFactory

pytestmark = pytest.mark.django_db

LIST = reverse("screening:opinion_event_list")
CREATE = reverse("screening:opinion_event_create")


def today():
    return timezone.localdate()


@pytest.fixture
def rerated(django_capture_on_commit_callbacks):
    """A block run as a request: committed at its end, with the re-rating it queued."""

    @contextmanager
    def request():
        connection.run_on_commit.clear()
        with django_capture_on_commit_callbacks(execute=True):
            yield
        connection.run_on_commit.clear()

    return request


def proposal(institution):
    return RatingState.objects.select_related("proposal").get(institution=institution).proposal


def event_data(about, /, **overrides):
    data = {
        "unit": about.township_id,
        "institution": about.pk,
        "source": OpinionSource.ONLINE,
        "source_detail": "本地论坛",
        "found_on": (today() - timedelta(days=1)).isoformat(),
        "level": OpinionLevel.MAJOR,
        "summary": "老人家属聚集反映退费难，网帖转发逾千次",
        "response": "",
        "outcome": "",
        "closed_on": "",
        "edit_version": "new",
    }
    data.update(overrides)
    return data


def update(client, event, **overrides):
    event.refresh_from_db()
    data = event_data(
        event.institution,
        level=event.level,
        found_on=event.found_on.isoformat(),
        edit_version=event.updated_at.isoformat(),
    )
    data.update(overrides)
    return client.post(reverse("screening:opinion_event_update", args=[event.pk]), data)


def test_a_major_event_makes_r5_which_stays_after_closing_until_the_county_resolves_it(
    client_for, township, township_user, county_user, rerated
):
    institution = InstitutionFactory(township=township)
    client = client_for(township_user)

    with rerated():
        response = client.post(CREATE, event_data(institution))
    assert response.status_code == 302
    event = OpinionEvent.objects.get()
    assessment = proposal(institution)
    assert (assessment.level, assessment.codes) == ("red", ["R5"])
    [hit] = assessment.hits
    assert hit["evidence"]["established_by"] == [
        {
            "fact": "public_opinion",
            "kind": SourceKind.OPINION_EVENT,
            "id": event.pk,
            "date": event.found_on.isoformat(),
        }
    ]
    page = client.get(institution.get_absolute_url()).content.decode()
    assert reverse("screening:opinion_event_detail", args=[event.pk]) in page

    with rerated():  # answered and closed: the finding still stands
        update(
            client,
            event,
            response="发布情况说明，约谈机构负责人",
            outcome="已平息",
            closed_on=today().isoformat(),
        )
    event.refresh_from_db()
    assert event.closed_on == today()
    assert proposal(institution).codes == ["R5"]

    with rerated():
        resolve_finding(
            user=county_user,
            institution=institution,
            fact=StandingFact.PUBLIC_OPINION,
            reason="舆情已平息，机构已全部退费",
        )
    assert proposal(institution).level == "green"


def test_a_general_event_and_an_event_about_the_sector_do_not_count(
    client_for, township, township_user, rerated
):
    institution = InstitutionFactory(township=township)
    client = client_for(township_user)

    with rerated():
        client.post(CREATE, event_data(institution, level=OpinionLevel.GENERAL))
        client.post(CREATE, event_data(institution, institution="", summary="行业性谣言"))

    assert OpinionEvent.objects.count() == 2
    assert proposal(institution).level == "green"
    assert standing_findings([institution.pk]) == {}


def test_an_event_raised_to_major_after_a_resolution_establishes_the_finding_again(
    township, township_user, county_user
):
    institution = InstitutionFactory(township=township)
    event = OpinionEventFactory(institution=institution, level=OpinionLevel.GENERAL)
    visit = ScreeningVisit(
        institution=institution,
        visited_on=today() - timedelta(days=20),
        staff=township_user,
        public_opinion=True,
    )
    save_visit(user=township_user, visit=visit, submit=True)
    resolve_finding(
        user=county_user, institution=institution, fact=StandingFact.PUBLIC_OPINION, reason="已核实"
    )
    assert standing_findings([institution.pk]) == {}

    from screening.services.opinion import save_opinion_event

    event.level = OpinionLevel.MAJOR
    save_opinion_event(user=township_user, event=event)

    found = standing_findings([institution.pk])[institution.pk]
    assert found[StandingFact.PUBLIC_OPINION].kind == SourceKind.OPINION_EVENT


def test_township_staff_cannot_lower_a_major_event_the_county_section_can(
    client_for, township, township_user, county_user
):
    institution = InstitutionFactory(township=township)
    client_for(township_user).post(CREATE, event_data(institution))
    event = OpinionEvent.objects.get()

    refused = update(client_for(township_user), event, level=OpinionLevel.GENERAL)
    event.refresh_from_db()
    assert refused.status_code == 200 and event.level == OpinionLevel.MAJOR
    assert StandingFact.PUBLIC_OPINION in standing_findings([institution.pk])[institution.pk]

    corrected = update(client_for(county_user), event, level=OpinionLevel.GENERAL)
    event.refresh_from_db()
    assert corrected.status_code == 302 and event.level == OpinionLevel.GENERAL
    assert event.major_since is None
    assert standing_findings([institution.pk]) == {}
    assert [h.history_user for h in event.history.all()] == [county_user, township_user]


def test_closing_an_event_needs_its_outcome(client_for, township, township_user):
    event = OpinionEventFactory(institution=InstitutionFactory(township=township))

    response = update(client_for(township_user), event, closed_on=today().isoformat())

    assert response.status_code == 200
    assert "outcome" in response.context["form"].errors
    event.refresh_from_db()
    assert event.closed_on is None


def test_another_townships_event_is_not_found_nor_listed(
    client_for, township, other_township, township_user, other_township_user
):
    about_institution = OpinionEventFactory(
        institution=InstitutionFactory(township=township), summary="本镇机构舆情"
    )
    about_sector = OpinionEventFactory(institution=None, unit=township, summary="本镇行业舆情")
    client = client_for(other_township_user)

    for event in (about_institution, about_sector):
        for name in ("screening:opinion_event_detail", "screening:opinion_event_update"):
            assert client.get(reverse(name, args=[event.pk])).status_code == 404
    listed = client.get(LIST).content.decode()
    assert "本镇机构舆情" not in listed and "本镇行业舆情" not in listed
    assert (
        client_for(township_user)
        .get(reverse("screening:opinion_event_detail", args=[about_sector.pk]))
        .status_code
        == 200
    )
    # Nor can another township record an event about this township's institution.
    refused = client_for(other_township_user).post(
        CREATE, event_data(about_institution.institution, unit=other_township.pk)
    )
    assert refused.status_code == 200
    assert OpinionEvent.objects.count() == 2


def test_township_staff_cannot_delete_an_event(client_for, township, township_user):
    """No delete route at all: an event is closed with its outcome, and the history keeps
    every change."""
    from django.urls import NoReverseMatch

    with pytest.raises(NoReverseMatch):
        reverse("screening:opinion_event_delete", args=[1])


def test_the_list_filters_by_level_and_exports_what_it_shows(
    client_for, township, other_township, township_user
):
    institution = InstitutionFactory(township=township)
    major = OpinionEventFactory(institution=institution, level=OpinionLevel.MAJOR, summary="=1+1")
    OpinionEventFactory(institution=institution, summary="一般舆情")
    OpinionEventFactory(institution=InstitutionFactory(township=other_township), summary="外镇")
    client = client_for(township_user)

    page = client.get(LIST + f"?level={OpinionLevel.MAJOR}")
    assert [row.record for row in page.context["table"].page.object_list] == [major]

    export = reverse("screening:opinion_event_list_export") + f"?level={OpinionLevel.MAJOR}"
    headers, rows = sheet_rows(client.get(export))
    summaries = column(rows, 5)
    assert summaries == ["=1+1"]
    assert rows[0][5] == ("=1+1", "s")
    all_rows = sheet_rows(client.get(reverse("screening:opinion_event_list_export")))[1]
    assert "外镇" not in column(all_rows, 5)


@pytest.mark.parametrize("n", [2, 30])
def test_the_list_takes_the_same_queries_whatever_the_rows(
    n, client_for, township, county_user, django_assert_max_num_queries
):
    for _ in range(n):
        OpinionEventFactory(institution=InstitutionFactory(township=township))
    client = client_for(county_user)
    client.get(LIST)

    with django_assert_max_num_queries(7):
        response = client.get(LIST)
    assert response.status_code == 200
    assert queries_of(client, reverse("screening:opinion_event_list_export")) <= 4
