"""The report queue under faults, with a real Redis and real Celery workers.

- Redis stopped: asking for a pack says the queue is unavailable, the request is kept, and
  it is built once Redis is back (the beat's requeue sends it).
- A worker killed (SIGKILL) in the middle of a pack: the run is taken over by another
  worker and ends with exactly one complete pack.

PostgreSQL and Redis pass of .ci/run only (the workers read the test database).
"""

import zipfile

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse

from config.celery_app import app
from reporting import packs, runs
from reporting.choices import ReportSet, RunStatus
from reporting.models import ReportRun
from reporting.periods import ReportingWeek
from tests.factories import InstitutionFactory
from tests.reporting.factories import PublicityActivityFactory
from tests.workers import WorkerProcess, new_queue, real_services_reason, wait_for

from .services import PrivateRedis

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]

WEEK = ReportingWeek(2026, 48)
UNAVAILABLE = "队列暂时不可用"


@pytest.fixture
def queue(settings):
    """Tasks of this test go to a queue of its own, on the broker the test chooses."""
    reason = real_services_reason()
    if reason:
        pytest.skip(reason)
    name = new_queue()
    saved = app.conf.task_always_eager, app.conf.task_default_queue, app.conf.broker_url
    app.conf.task_always_eager = False
    app.conf.task_default_queue = name
    settings.CELERY_TASK_ALWAYS_EAGER = False
    workers = []

    def start_worker(**env):
        worker = WorkerProcess(name, extra_env=env).start()
        workers.append(worker)
        return worker

    yield start_worker
    for worker in workers:
        worker.stop()
    app.conf.task_always_eager, app.conf.task_default_queue, app.conf.broker_url = saved
    reset_broker_connections()


def reset_broker_connections():
    """Forget the connections to the previous broker (kombu keeps pools per connection)."""
    from kombu import pools

    if app._pool is not None:
        app._pool.force_close_all()
        app._pool = None
    app.amqp._producer_pool = None
    pools.reset()


def use_broker(url):
    app.conf.broker_url = url
    reset_broker_connections()


@pytest.fixture
def data(township):
    PublicityActivityFactory(township=township, held_on=WEEK.first_day, leaflets=120)
    InstitutionFactory(township=township)


def finished(run_id):
    def check():
        run = ReportRun.objects.get(pk=run_id)
        return run if run.status in (RunStatus.DONE, RunStatus.FAILED) else None

    return check


def expected_files():
    return sorted(a.filename for a in packs.attachments_of(ReportSet.DISTRICT_WEEKLY).values())


def test_redis_stopped_the_request_is_kept_and_built_when_it_is_back(
    queue, data, county_user, client_for, settings
):
    redis = PrivateRedis()
    redis.start()
    try:
        use_broker(redis.url)
        redis.stop()

        response = client_for(county_user).post(
            reverse("reporting:run_request"),
            {"report_set": ReportSet.DISTRICT_WEEKLY, "week": WEEK.label},
            follow=True,
        )

        assert response.status_code == 200
        assert UNAVAILABLE in response.content.decode()
        run = ReportRun.objects.get()
        assert run.status == RunStatus.QUEUED and UNAVAILABLE in run.error

        redis.start()
        reset_broker_connections()
        worker = queue(REDIS_URL=redis.url)
        assert runs.requeue_stale_runs() == [run.pk]  # what the beat does every minute
        run = wait_for(finished(run.pk), timeout=90, what="the pack after Redis came back")
        assert run.status == RunStatus.DONE, run.error + worker.output()[-2000:]
        assert not run.error
    finally:
        redis.stop()


def test_a_worker_killed_mid_pack_is_retried_and_leaves_exactly_one_complete_pack(
    queue, data, county_user, settings
):
    settings.REPORT_RUN_STALE_SECONDS = 2
    slow = queue(
        DJANGO_SETTINGS_MODULE="tests.faults.slow_pack_settings", REPORT_RUN_STALE_SECONDS="2"
    )
    run = runs.request_run(user=county_user, report_set=ReportSet.DISTRICT_WEEKLY, week=WEEK).run

    def midway():
        current = ReportRun.objects.get(pk=run.pk)
        return current if current.status == RunStatus.RUNNING and current.progress > 0 else None

    wait_for(midway, timeout=90, interval=0.1, what="the worker to be in the middle of the pack")
    slow.kill()
    killed = ReportRun.objects.get(pk=run.pk)
    assert killed.status == RunStatus.RUNNING and killed.attempt == 1 and not killed.zip_file

    second = queue(REPORT_RUN_STALE_SECONDS="2")
    requeued = wait_for(
        lambda: runs.requeue_stale_runs(), timeout=30, interval=0.5, what="the run to go stale"
    )
    assert requeued == [run.pk]
    done = wait_for(finished(run.pk), timeout=90, what="the second worker to build the pack")

    assert done.status == RunStatus.DONE, done.error + second.output()[-2000:]
    assert done.attempt == 2
    with default_storage.open(done.zip_file.name, "rb") as handle:
        assert sorted(zipfile.ZipFile(handle).namelist()) == expected_files()
    attempts, _files = default_storage.listdir(runs._folder(done))
    assert attempts == ["2"]
    assert len(done.files) == len(expected_files())
    assert ReportRun.objects.count() == 1
