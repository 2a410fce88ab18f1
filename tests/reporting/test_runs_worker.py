"""The Celery path for real: a worker process against Redis builds a pack that the test opens.

Runs in the PostgreSQL + Redis pass of .ci/run (skipped, with the reason, on SQLite)."""

import zipfile

import pytest
from django.core.files.storage import default_storage
from openpyxl import load_workbook

from reporting import packs, runs
from reporting.choices import ReportSet, RunStatus
from reporting.models import ReportRun
from reporting.periods import ReportingWeek
from tests.factories import InstitutionFactory
from tests.workers import wait_for

from .factories import PublicityActivityFactory

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]

WEEK = ReportingWeek(2026, 48)


def test_a_real_worker_builds_the_weekly_pack_that_the_county_then_opens(
    real_worker, county_user, township
):
    PublicityActivityFactory(township=township, held_on=WEEK.first_day, leaflets=120)
    InstitutionFactory(township=township)

    result = runs.request_run(user=county_user, report_set=ReportSet.DISTRICT_WEEKLY, week=WEEK)
    assert result.queued and not result.queue_unavailable

    def finished():
        run = ReportRun.objects.get(pk=result.run.pk)
        return run if run.status in (RunStatus.DONE, RunStatus.FAILED) else None

    run = wait_for(finished, timeout=90, what="the worker to build the pack")
    assert run.status == RunStatus.DONE, run.error + real_worker.output()[-3000:]
    assert run.attempt == 1
    expected = sorted(a.filename for a in packs.attachments_of(ReportSet.DISTRICT_WEEKLY).values())
    with default_storage.open(run.zip_file.name, "rb") as handle:
        assert sorted(zipfile.ZipFile(handle).namelist()) == expected
    for entry in run.files:
        with default_storage.open(entry["name"], "rb") as handle:
            assert load_workbook(handle).active["A1"].value == entry["title"]
    assert "reporting.build_report_run" in real_worker.output()
