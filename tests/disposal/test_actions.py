"""Following an action: overdue flags (frozen clock), status rules, deadlines, evidence."""

from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from disposal import tasks
from disposal.levels import ActionType
from disposal.models import ActionEvidence, ActionStatus, DisposalAction
from disposal.services.actions import add_evidence, apply_level, flag_overdue_actions, update_action
from disposal.validators import MAX_EVIDENCE_BYTES
from tests.factories import InstitutionFactory

pytestmark = pytest.mark.django_db
TODAY = date(2026, 3, 2)
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n%%EOF"


@pytest.fixture
def orange(township, county_user):
    institution = InstitutionFactory(township=township)
    apply_level(institution, "orange", user=county_user, today=TODAY)
    return institution


def action_of(institution, action_type):
    return DisposalAction.objects.get(institution=institution, action_type=action_type)


# --- overdue ----------------------------------------------------------------------------


def test_actions_past_their_deadline_are_flagged_overdue_once(orange):
    notification = action_of(orange, ActionType.LEAD_NOTIFICATION)  # 3 days
    day_after_deadline = notification.deadline + timedelta(days=1)

    assert flag_overdue_actions(today=notification.deadline) == 0
    assert flag_overdue_actions(today=day_after_deadline) == 1
    assert flag_overdue_actions(today=day_after_deadline + timedelta(days=1)) == 0

    notification.refresh_from_db()
    assert notification.overdue_since == day_after_deadline
    assert notification.history.first().overdue_since == day_after_deadline  # audited
    assert action_of(orange, ActionType.WARNING_TALK).overdue_since is None


def test_closed_actions_are_never_flagged_overdue(orange, township_user):
    notification = action_of(orange, ActionType.LEAD_NOTIFICATION)
    notification.status = ActionStatus.DONE
    update_action(user=township_user, action=notification, today=TODAY)

    assert flag_overdue_actions(today=TODAY + timedelta(days=100)) == 3
    notification.refresh_from_db()
    assert notification.overdue_since is None


def test_daily_task_takes_a_date_string_and_is_idempotent(orange):
    later = (TODAY + timedelta(days=10)).isoformat()

    first = tasks.flag_overdue_actions.delay(today=later).get()
    second = tasks.flag_overdue_actions.delay(today=later).get()

    assert first == 2  # 线索通报 (3 days) and 警示约谈 (7 days); 责令整改 has 30
    assert second == 0


def test_county_moving_the_deadline_clears_the_overdue_flag(orange, county_user):
    flag_overdue_actions(today=TODAY + timedelta(days=10))
    notification = action_of(orange, ActionType.LEAD_NOTIFICATION)
    assert notification.overdue_since is not None

    notification.deadline = TODAY + timedelta(days=20)
    update_action(user=county_user, action=notification, today=TODAY + timedelta(days=10))

    notification.refresh_from_db()
    assert notification.overdue_since is None


# --- status rules -----------------------------------------------------------------------


def test_not_applicable_needs_a_reason(orange, township_user):
    talk = action_of(orange, ActionType.WARNING_TALK)
    talk.status = ActionStatus.NOT_APPLICABLE

    with pytest.raises(ValidationError) as error:
        update_action(user=township_user, action=talk, today=TODAY)

    assert "status_reason" in error.value.message_dict
    assert action_of(orange, ActionType.WARNING_TALK).status == ActionStatus.OPEN


def test_closing_an_action_after_a_lowering_needs_a_reason(orange, county_user, township_user):
    apply_level(orange, "yellow", user=county_user, today=TODAY)
    talk = action_of(orange, ActionType.WARNING_TALK)
    talk.status = ActionStatus.DONE

    with pytest.raises(ValidationError):
        update_action(user=township_user, action=talk, today=TODAY)

    talk.status_reason = "已约谈，降级后不再跟进"
    update_action(user=township_user, action=talk, today=TODAY)
    talk.refresh_from_db()
    assert talk.status == ActionStatus.DONE
    assert talk.level_lowered_on == TODAY  # kept: it was closed because of the lowering


def test_done_gets_its_completion_date_and_the_history_names_the_user(orange, township_user):
    talk = action_of(orange, ActionType.WARNING_TALK)
    talk.status = ActionStatus.DONE
    talk.carried_out_on = TODAY
    talk.document_number = "开民约〔2026〕3号"

    update_action(user=township_user, action=talk, today=TODAY)

    talk.refresh_from_db()
    assert talk.completed_on == TODAY
    latest = talk.history.first()
    assert latest.history_user == township_user
    assert latest.document_number == "开民约〔2026〕3号"


def test_township_staff_cannot_move_a_deadline(orange, township_user):
    talk = action_of(orange, ActionType.WARNING_TALK)
    talk.deadline = talk.deadline + timedelta(days=30)

    with pytest.raises(ValidationError) as error:
        update_action(user=township_user, action=talk, today=TODAY)

    assert "deadline" in error.value.message_dict


def test_dates_in_the_future_are_refused(orange, township_user):
    talk = action_of(orange, ActionType.WARNING_TALK)
    talk.carried_out_on = TODAY + timedelta(days=1)

    with pytest.raises(ValidationError) as error:
        update_action(user=township_user, action=talk, today=TODAY)

    assert "carried_out_on" in error.value.message_dict


def test_responsible_person_must_work_for_the_institutions_area(
    orange, township_user, other_township_user, county_user
):
    talk = action_of(orange, ActionType.WARNING_TALK)
    talk.responsible_user = other_township_user
    with pytest.raises(ValidationError):
        update_action(user=county_user, action=talk, today=TODAY)

    talk.responsible_user = township_user
    update_action(user=county_user, action=talk, today=TODAY)
    assert action_of(orange, ActionType.WARNING_TALK).responsible_user == township_user


# --- evidence ---------------------------------------------------------------------------


def test_evidence_is_kept_and_noted_in_the_actions_history(orange, township_user):
    talk = action_of(orange, ActionType.WARNING_TALK)
    upload = SimpleUploadedFile("约谈笔录.pdf", PDF, content_type="application/pdf")

    evidence = add_evidence(user=township_user, action=talk, upload=upload, description="笔录")

    assert evidence.original_name == "约谈笔录.pdf"
    assert evidence.scope_path == orange.scope_path
    assert "约谈笔录.pdf" in talk.history.first().history_change_reason


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("script.exe", b"MZ\x90\x00"),
        ("fake.pdf", b"<html>not a pdf</html>"),
        ("empty.png", b""),
    ],
)
def test_evidence_of_another_type_or_empty_is_refused(orange, township_user, name, content):
    talk = action_of(orange, ActionType.WARNING_TALK)

    with pytest.raises(ValidationError):
        add_evidence(user=township_user, action=talk, upload=SimpleUploadedFile(name, content))

    assert not ActionEvidence.objects.exists()


def test_oversized_evidence_is_refused(orange, township_user):
    talk = action_of(orange, ActionType.WARNING_TALK)
    big = SimpleUploadedFile("big.pdf", PDF + b"0" * MAX_EVIDENCE_BYTES)

    with pytest.raises(ValidationError) as error:
        add_evidence(user=township_user, action=talk, upload=big)

    assert "MB" in str(error.value)


def test_management_command_flags_overdue_actions(orange):
    out = StringIO()
    call_command("flag_overdue_actions", today=(TODAY + timedelta(days=10)).isoformat(), stdout=out)
    assert out.getvalue().startswith("2 ")
    assert DisposalAction.objects.filter(overdue_since__isnull=False).count() == 2


def test_overdue_actions_are_flagged_every_day_by_the_scheduler(settings):
    """区县方案 §三(四) 动真碰硬督查督办: overdue actions are flagged every day, unasked."""
    from config.celery_app import app

    [entry] = [
        e
        for e in settings.CELERY_BEAT_SCHEDULE.values()
        if e["task"] == "disposal.flag_overdue_actions"
    ]
    schedule = entry["schedule"]
    assert schedule.day_of_week == set(range(7))
    assert schedule.day_of_month == set(range(1, 32))
    assert len(schedule.hour) == 1 and len(schedule.minute) == 1
    assert "disposal.flag_overdue_actions" in app.tasks
