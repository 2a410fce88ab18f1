"""Re-rating on commit, the nightly schedule and ``rate_all``."""

from datetime import date
from io import StringIO

import pytest
from django.core import serializers
from django.core.management import call_command
from django_celery_beat.models import PeriodicTask

from config.celery_app import app
from risklists import tasks
from risklists.models import Assessment, RatingState
from screening.models import (
    Complaint,
    MatchStatus,
    Person,
    PersonRole,
    PersonRoleKind,
    Verification,
)
from tests.factories import InstitutionFactory, VenueFactory

from .factories import invest, visit

pytestmark = pytest.mark.django_db


def test_a_new_prepayment_rerates_its_institution_on_commit(
    township, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        venue = VenueFactory(township=township)
        invest(venue)
    assessment = Assessment.objects.get(institution=venue)
    assert assessment.level == "red" and assessment.codes == ["V1", "R1"]


def test_nothing_is_rerated_before_the_transaction_commits(
    township, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        venue = VenueFactory(township=township)
        invest(venue)
    assert len(callbacks) == 1
    assert not Assessment.objects.exists()


def test_many_changes_in_one_transaction_queue_one_rerating(
    township, township_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        institution = InstitutionFactory(township=township)
        invest(institution, "甲")
        invest(institution, "乙")
        visit(institution, township_user, fund_use="irregular")
        institution.beds = 1
        institution.save()
    assert len(callbacks) == 1
    assessment = Assessment.objects.get(institution=institution)
    assert set(assessment.codes) == {"O4", "O5"}


def test_a_complaint_about_a_person_rerates_their_institutions(
    township, county, django_capture_on_commit_callbacks
):
    first, second = InstitutionFactory.create_batch(2, township=township)
    person = Person.objects.create(name="张建国", unit=township)
    for institution in (first, second):
        PersonRole.objects.create(
            institution=institution, person=person, kind=PersonRoleKind.PRINCIPAL
        )
    with django_capture_on_commit_callbacks(execute=True):
        Complaint.objects.create(
            unit=county,
            subject_name="张建国",
            person=person,
            match_status=MatchStatus.MATCHED,
            received_on=date(2026, 11, 1),
            content="退费难",
            verification=Verification.SUBSTANTIATED,
        )
    levels = dict(Assessment.objects.values_list("institution_id", "level"))
    assert levels == {first.pk: "orange", second.pk: "orange"}


def test_loading_fixtures_does_not_rerate(township, django_capture_on_commit_callbacks):
    institution = InstitutionFactory(township=township)
    data = serializers.serialize("json", [institution])
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        for obj in serializers.deserialize("json", data):
            obj.save()  # raw save, as loaddata does
    assert callbacks == []
    assert not Assessment.objects.exists()


def test_rerating_tasks_are_idempotent(township):
    venue = VenueFactory(township=township)
    invest(venue)
    assert tasks.rate_institution(venue.pk) == 1
    assert tasks.rate_institution(venue.pk) == 0
    assert tasks.rate_institution(999999) == 0
    assert Assessment.objects.count() == 1


def test_nightly_rating_is_scheduled_at_two_in_shanghai():
    task = PeriodicTask.objects.get(task="risklists.rate_all")
    assert task.enabled
    assert (task.crontab.hour, task.crontab.minute) == ("2", "0")
    assert str(task.crontab.timezone) == "Asia/Shanghai"
    assert "risklists.rate_all" in app.tasks


def test_rate_all_rates_the_registry_and_prints_counts_per_level(township):
    VenueFactory(township=township)  # O6: orange
    red = VenueFactory(township=township)
    invest(red)
    InstitutionFactory(township=township)
    archived = InstitutionFactory(township=township, archived_at="2026-01-01T00:00:00+08:00")
    out = StringIO()
    call_command("rate_all", "--today", "2026-11-23", stdout=out)
    text = out.getvalue()
    assert "红色 (red): 1" in text and "橙色 (orange): 1" in text and "绿色 (green): 1" in text
    assert "3" in text.splitlines()[-1]
    assert RatingState.objects.count() == 3
    assert not Assessment.objects.filter(institution=archived).exists()
    again = StringIO()
    call_command("rate_all", stdout=again)
    assert Assessment.objects.count() == 3
