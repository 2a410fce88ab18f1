"""Report runs: asking for a pack, building it, replacing it, failing and retrying, scoping."""

import io
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError
from openpyxl import load_workbook

from reporting import packs, runs, tasks
from reporting.choices import ReportSet, RunStatus
from reporting.models import ReportRun
from reporting.periods import ReportingWeek
from tests.factories import CountyFactory, InstitutionFactory, TownshipFactory, UserFactory

from .conftest import shanghai
from .factories import PublicityActivityFactory

pytestmark = pytest.mark.django_db

WEEK = ReportingWeek(2026, 48)  # due Tuesday 2026-11-24 17:00


@pytest.fixture
def data(township, other_township):
    PublicityActivityFactory(township=township, held_on=WEEK.first_day, leaflets=120)
    PublicityActivityFactory(township=other_township, held_on=WEEK.last_day, leaflets=30)
    InstitutionFactory(township=township)


def request(user, week=WEEK, report_set=ReportSet.DISTRICT_WEEKLY):
    return runs.request_run(user=user, report_set=report_set, week=week)


def zip_names(run):
    with default_storage.open(run.zip_file.name, "rb") as handle:
        return sorted(zipfile.ZipFile(handle).namelist())


def expected_files(report_set=ReportSet.DISTRICT_WEEKLY):
    return sorted(a.filename for a in packs.attachments_of(report_set).values())


def test_county_asks_for_the_weekly_pack_and_gets_every_attachment_and_a_zip(county_user, data):
    result = request(county_user)

    run = ReportRun.objects.get()
    assert result.run == run and result.queued and not result.queue_unavailable
    assert run.status == RunStatus.DONE and run.progress == 100
    assert run.requested_by == county_user and run.unit == county_user.unit
    assert len(run.files) == len(packs.attachments_of(ReportSet.DISTRICT_WEEKLY)) >= 3
    assert zip_names(run) == expected_files()
    for entry in run.files:
        with default_storage.open(entry["name"], "rb") as handle:
            sheet = load_workbook(handle).active
        assert sheet["A1"].value == entry["title"]
    # The zip is named for people: unit, week and what it holds.
    assert Path(run.zip_file.name).name == "衡山县_2026-W48_周报附件.zip"


def test_county_asks_for_the_baseline_pack_and_gets_the_five_attachments_of_the_plan(
    county_user, data
):
    """衡山县方案 §三: 附件1–5 built from the townships' records, whenever the county asks."""
    run = request(county_user, report_set=ReportSet.BASELINE).run

    run.refresh_from_db()
    assert run.status == RunStatus.DONE
    assert sorted(entry["number"] for entry in run.files) == [1, 2, 3, 4, 5]
    assert zip_names(run) == expected_files(ReportSet.BASELINE)
    titles = []
    for entry in run.files:
        with default_storage.open(entry["name"], "rb") as handle:
            sheet = load_workbook(handle).active
        assert sheet["A2"].value.startswith("填报单位（盖章）：")
        titles.append(sheet["A1"].value)
    assert "养老服务领域诈骗风险隐患排查工作进度表" in titles


def test_building_the_same_week_again_replaces_the_pack_and_never_duplicates_it(county_user, data):
    first = request(county_user).run
    old_files = [entry["name"] for entry in first.files]

    second = request(county_user).run

    assert ReportRun.objects.count() == 1
    second.refresh_from_db()
    assert second.pk == first.pk and second.attempt == 2 and second.status == RunStatus.DONE
    assert all(not default_storage.exists(name) for name in old_files)
    assert all(default_storage.exists(entry["name"]) for entry in second.files)
    assert zip_names(second) == expected_files()


def test_the_packs_page_opens_after_the_same_week_is_built_again(
    county_user, leader, data, client_for
):
    run = request(county_user).run
    request(county_user)  # 重新生成: the run's history now has rows to compare

    for user in (county_user, leader):
        response = client_for(user).get(reverse("reporting:run_detail", args=[run.pk]))
        assert response.status_code == 200
        assert response.context["history"]


def test_another_week_or_set_is_another_run(county_user, data):
    request(county_user)
    request(county_user, week=WEEK.previous())
    assert ReportRun.objects.count() == 2


def test_a_failed_run_shows_its_error_and_can_be_retried(
    county_user, data, client_for, monkeypatch
):
    def broken(attachment, context, target):
        raise RuntimeError("disk full")

    monkeypatch.setattr(packs, "write_attachment", broken)
    run = request(county_user).run
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED
    assert "disk full" in run.error
    assert not run.files and not run.zip_file
    client = client_for(county_user)
    page = client.get(run.get_absolute_url()).content.decode()
    assert "disk full" in page and 'id="retry-run"' in page

    monkeypatch.undo()
    response = client.post(reverse("reporting:run_retry", args=[run.pk]))
    assert response.status_code == 302
    run.refresh_from_db()
    assert run.status == RunStatus.DONE and run.attempt == 2 and not run.error


def test_township_staff_cannot_ask_for_a_pack_nor_see_the_countys(
    county_user, township_user, data, client_for
):
    run = request(county_user).run
    client = client_for(township_user)
    assert client.get(reverse("reporting:run_detail", args=[run.pk])).status_code == 404
    assert client.get(reverse("reporting:run_download", args=[run.pk])).status_code == 404
    assert client.get(reverse("reporting:run_status", args=[run.pk])).status_code == 404
    response = client.post(
        reverse("reporting:run_request"),
        {"report_set": ReportSet.DISTRICT_WEEKLY, "week": WEEK.label},
    )
    assert response.status_code == 403
    assert ReportRun.objects.count() == 1


def test_another_countys_pack_answers_404(county_user, data, client_for):
    other_county = CountyFactory(name="南岳区")
    other = UserFactory(unit=other_county, role="county_reviewer")
    run = request(other).run
    client = client_for(county_user)
    for name in ("run_detail", "run_status", "run_download", "run_retry"):
        method = client.post if name == "run_retry" else client.get
        assert method(reverse(f"reporting:{name}", args=[run.pk])).status_code == 404, name
    assert run.pk not in [r.pk for r in ReportRun.objects.visible_to(county_user)]


def test_leader_downloads_the_zip_and_one_attachment(county_user, leader, data, client_for):
    run = request(county_user).run
    client = client_for(leader)
    response = client.get(reverse("reporting:run_download", args=[run.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    names = sorted(zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))).namelist())
    assert names == expected_files()

    number = run.files[0]["number"]
    response = client.get(reverse("reporting:run_file", args=[run.pk, number]))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert sheet["A1"].value == run.files[0]["title"]
    assert client.get(reverse("reporting:run_file", args=[run.pk, 99])).status_code == 404


def test_the_list_page_shows_runs_and_the_request_form_with_constant_queries(
    county_user, data, client_for, django_assert_max_num_queries
):
    for offset in range(4):
        request(county_user, week=WEEK.shifted(-offset))
    client = client_for(county_user)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("reporting:run_list")).content.decode()
    assert page.count("data-download-zip") == 4
    assert 'id="request-pack"' in page
    for offset in range(4, 12):
        request(county_user, week=WEEK.shifted(-offset))
    with django_assert_max_num_queries(12):
        page = client.get(reverse("reporting:run_list")).content.decode()
    assert page.count("data-download-zip") == 12


def test_the_status_json_feeds_the_progress_bar(county_user, data, client_for):
    run = request(county_user).run
    status = client_for(county_user).get(reverse("reporting:run_status", args=[run.pk])).json()
    assert status["status"] == "done" and status["progress"] == 100 and not status["active"]


def test_a_week_not_started_yet_cannot_be_asked_for(county_user, frozen_clock):
    frozen_clock(shanghai(2026, 11, 24, 18))  # the week due on 12-01 has started, 12-08's not
    with pytest.raises(runs.ValidationError):
        request(county_user, week=ReportingWeek(2026, 50))


# --- claiming: a pack is built by one attempt at a time ---------------------------------------


def queued_run(unit, week=WEEK):
    return ReportRun.objects.create(
        unit=unit,
        report_set=ReportSet.DISTRICT_WEEKLY,
        year=week.year,
        week=week.week,
        requested_at=timezone.now(),
    )


def test_a_run_being_built_by_a_live_worker_is_not_built_twice(county):
    run = queued_run(county)
    assert runs.claim(run.pk) == 1
    assert runs.claim(run.pk) is None
    assert runs.build(run.pk) == "skipped"


def test_a_run_whose_worker_died_is_taken_over_and_the_old_worker_stops(county, data):
    run = queued_run(county)
    assert runs.claim(run.pk) == 1
    later = timezone.now() + runs.stale_after() + timedelta(seconds=1)
    assert runs.claim(run.pk, now=later) == 2
    # The first worker comes back to life: none of its writes count any more.
    assert runs._ours(run.pk, 1).update(progress=50) == 0


def test_the_taken_over_attempt_leaves_exactly_one_complete_pack(county, data, monkeypatch):
    run = queued_run(county)
    real_write = packs.write_attachment
    calls = []

    def write_then_lose_the_claim(attachment, context, target):
        real_write(attachment, context, target)
        calls.append(target)
        if len(calls) == 2:
            # Meanwhile the run was declared stale and another attempt claimed it.
            ReportRun.objects.filter(pk=run.pk).update(attempt=5)

    monkeypatch.setattr(packs, "write_attachment", write_then_lose_the_claim)
    assert runs.build(run.pk) == "lost"
    run.refresh_from_db()
    assert run.status == RunStatus.RUNNING and not run.files
    assert not default_storage.exists(f"reports/{county.pk}/district_weekly/{WEEK.label}/1")

    monkeypatch.undo()
    ReportRun.objects.filter(pk=run.pk).update(
        status=RunStatus.QUEUED, heartbeat_at=None, attempt=5
    )
    assert runs.build(run.pk) == "done"
    run.refresh_from_db()
    assert run.attempt == 6 and zip_names(run) == expected_files()


# --- the queue and the schedule ---------------------------------------------------------------


def test_when_the_queue_is_down_the_request_is_kept_and_the_person_told(
    county_user, data, client_for, settings, monkeypatch
):
    settings.CELERY_TASK_ALWAYS_EAGER = False

    def unreachable(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(tasks.build_report_run, "delay", unreachable)
    response = client_for(county_user).post(
        reverse("reporting:run_request"),
        {"report_set": ReportSet.DISTRICT_WEEKLY, "week": WEEK.label},
        follow=True,
    )
    run = ReportRun.objects.get()
    assert run.status == RunStatus.QUEUED and "队列暂时不可用" in run.error
    assert "队列暂时不可用" in response.content.decode()

    # The queue is back: the schedule's next round sends it, and nothing was lost.
    monkeypatch.undo()
    settings.CELERY_TASK_ALWAYS_EAGER = True
    assert runs.requeue_stale_runs() == [run.pk]
    run.refresh_from_db()
    assert run.status == RunStatus.DONE and not run.error


def test_requeue_picks_runs_whose_worker_died_and_leaves_live_ones(county, data):
    dead = queued_run(county)
    live = queued_run(county, WEEK.previous())
    runs.claim(dead.pk, now=timezone.now() - runs.stale_after() - timedelta(seconds=5))
    runs.claim(live.pk)
    assert runs.requeue_stale_runs() == [dead.pk]
    dead.refresh_from_db()
    assert dead.status == RunStatus.DONE and dead.attempt == 2


def test_tuesday_after_the_deadline_every_county_gets_the_pack_of_the_week_just_due(
    county, frozen_clock, data
):
    other = CountyFactory(name="南岳区")
    TownshipFactory(parent=other)
    frozen_clock(shanghai(2026, 11, 24, 17, 5))
    built = runs.queue_weekly_packs()
    assert {(r.unit_id, r.period) for r in built} == {(county.pk, WEEK), (other.pk, WEEK)}
    assert all(r.requested_by is None for r in built)
    assert set(ReportRun.objects.values_list("status", flat=True)) == {RunStatus.DONE}


def test_the_schedule_has_the_weekly_pack_and_the_requeue(settings):
    schedule = settings.CELERY_BEAT_SCHEDULE
    weekly = schedule["reporting-build-weekly-packs"]
    assert weekly["task"] == tasks.build_weekly_packs.name
    assert weekly["schedule"].day_of_week == {2}
    assert weekly["schedule"].hour == {17}
    assert schedule["reporting-requeue-stale-runs"]["task"] == tasks.requeue_stale_runs.name


# --- the command ------------------------------------------------------------------------------


def test_weekly_report_command_writes_the_same_files_and_the_zip(county, data, tmp_path):
    out = io.StringIO()
    call_command("weekly_report", "--week", "2026-W48", "--out", str(tmp_path), stdout=out)
    written = sorted(p.name for p in tmp_path.iterdir())
    assert written == sorted([*expected_files(), "衡山县_2026-W48_周报附件.zip"])
    assert len(out.getvalue().splitlines()) == len(written)
    with zipfile.ZipFile(tmp_path / "衡山县_2026-W48_周报附件.zip") as bundle:
        assert sorted(bundle.namelist()) == expected_files()


def test_weekly_report_command_says_what_is_wrong_with_its_arguments(county, tmp_path):
    with pytest.raises(Exception, match="2022-W21"):
        call_command("weekly_report", "--week", "22/21", "--out", str(tmp_path))
    CountyFactory(name="南岳区")
    with pytest.raises(Exception, match="--unit"):
        call_command("weekly_report", "--week", "2026-W48", "--out", str(tmp_path))
    call_command("weekly_report", "--week", "2026-W48", "--out", str(tmp_path), "--unit", "衡山县")


def test_the_weeks_to_ask_for_are_newest_first_with_the_week_just_due_chosen(frozen_clock):
    from reporting.views.runs import RunRequestForm

    now = frozen_clock(shanghai(2026, 11, 24, 18))  # Tuesday evening: 2026-W48 just due

    form = RunRequestForm(now=now)

    labels = [label for label, _text in form.fields["week"].choices]
    assert labels[:3] == ["2026-W49", "2026-W48", "2026-W47"]
    assert labels == sorted(labels, reverse=True)
    assert form.fields["week"].initial == "2026-W48"
