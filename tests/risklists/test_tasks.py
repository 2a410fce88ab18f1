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


# --- 加强日常监测: every record the facts builder reads re-rates its institution (issue 20) ----


def _matched(model, institution, **fields):
    return model.objects.create(
        unit=institution.township, subject_name="某某", institution=institution, **fields
    )


def _builders():
    from datetime import date as day
    from decimal import Decimal

    from django.utils import timezone

    from screening.models import (
        BlacklistEntry,
        BlacklistKind,
        Lawsuit,
        Lead,
        LeadChannel,
        PrepaymentRefund,
    )
    from screening.models.findings import FindingResolution, StandingFact
    from tests.factories import UserFactory
    from tests.screening import factories as f

    return {
        "screening.PrepaymentRecord": lambda i: f.PrepaymentRecordFactory(institution=i),
        # The record paid into is made before the test listens (institution.prepaid).
        "screening.PrepaymentRefund": lambda i: PrepaymentRefund.objects.create(
            prepayment=i.prepaid,
            institution=i,
            amount=Decimal("100"),
            refunded_on=day(2026, 11, 2),
        ),
        "screening.ScreeningVisit": lambda i: f.ScreeningVisitFactory(institution=i),
        "screening.PersonRole": lambda i: f.PersonRoleFactory(institution=i),
        "screening.Branch": lambda i: f.BranchFactory(institution=i),
        "screening.RegistrationChange": lambda i: f.RegistrationChangeFactory(institution=i),
        "screening.RelatedCompany": lambda i: f.RelatedCompanyFactory(institution=i),
        "screening.FinancialSnapshot": lambda i: f.FinancialSnapshotFactory(institution=i),
        "screening.Lawsuit": lambda i: _matched(
            Lawsuit, i, case_number="(2024)湘0423刑初1号", cause="诈骗罪"
        ),
        "screening.BlacklistEntry": lambda i: _matched(
            BlacklistEntry, i, list_kind=BlacklistKind.values[0]
        ),
        "screening.Complaint": lambda i: _matched(
            Complaint, i, received_on=day(2026, 11, 2), content="收取会员费"
        ),
        "screening.FindingResolution": lambda i: FindingResolution.objects.create(
            institution=i,
            fact=StandingFact.COLLAPSED,
            reason="已全部退费",
            resolved_by=UserFactory(unit=i.township),
            resolved_at=timezone.now(),
        ),
        "screening.OpinionEvent": lambda i: f.OpinionEventFactory(institution=i),
        "screening.FundraisingDetermination": lambda i: f.DeterminationFactory(institution=i),
        "screening.Lead": lambda i: Lead.objects.create(
            unit=i.township,
            institution=i,
            channel=LeadChannel.values[0],
            received_on=day(2026, 11, 2),
            subject="收取会员费",
            content="承诺返利",
        ),
    }


def test_every_watched_record_has_a_builder_here():
    from risklists.receivers import WATCHED_MODELS

    assert set(_builders()) == set(WATCHED_MODELS) == set(WATCHED)


WATCHED = sorted(
    [
        "screening.PrepaymentRecord",
        "screening.PrepaymentRefund",
        "screening.ScreeningVisit",
        "screening.PersonRole",
        "screening.Branch",
        "screening.RegistrationChange",
        "screening.RelatedCompany",
        "screening.FinancialSnapshot",
        "screening.Lawsuit",
        "screening.BlacklistEntry",
        "screening.Complaint",
        "screening.Lead",
        "screening.OpinionEvent",
        "screening.FindingResolution",
        "screening.FundraisingDetermination",
    ]
)


@pytest.mark.parametrize("label", WATCHED)
def test_saving_or_deleting_a_watched_record_rerates_its_institution(label, township, monkeypatch):
    from risklists import receivers
    from tests.screening.factories import PrepaymentRecordFactory

    institution = InstitutionFactory(township=township)
    institution.prepaid = PrepaymentRecordFactory(institution=institution)
    queued = []
    monkeypatch.setattr(receivers, "queue_rerate", lambda kind, pk: queued.append((kind, pk)))

    record = _builders()[label](institution)
    saved, queued[:] = list(queued), []
    type(record).objects.get(pk=record.pk).delete()

    assert ("institution", institution.pk) in saved, label
    assert ("institution", institution.pk) in queued, label


def test_a_change_to_the_registry_row_rerates_the_institution(township, monkeypatch):
    from risklists import receivers

    institution = InstitutionFactory(township=township, beds=50)
    queued = []
    monkeypatch.setattr(receivers, "queue_rerate", lambda kind, pk: queued.append((kind, pk)))

    institution.registration_status = "unregistered"
    institution.save()

    assert queued == [("institution", institution.pk)]
