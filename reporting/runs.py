"""Report runs: asking for a pack, building it on a worker, and keeping it whole.

The rules (区县方案·加强信息报送):

- One run per unit, set and week. Asking again for the same period re-runs it: the new files
  replace the old ones; a run already queued or being built is not queued twice.
- A worker *claims* a run before building it, by a conditional update that raises its
  ``attempt``; every later write of that worker is conditional on its attempt, so when a
  run is taken over (its worker was killed, the message was delivered twice) the old worker
  can no longer touch it. The files of an attempt live in a folder of their own and become
  the run's files only in the final conditional update: a pack is whole or absent.
- A run whose worker stopped giving signs of life, or that never reached a worker (the queue
  was down), is queued again by ``requeue_stale_runs`` (Celery beat, every minute).
- When the queue is unavailable, the request is kept and the person is told so.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from celery import current_app
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import OrgUnit, Role, UnitLevel
from core import clock

from .choices import ReportSet, RunStatus
from .models import ReportRun
from .packs import PackFile, checks_of, context_for, write_pack
from .periods import ReportingWeek

logger = logging.getLogger(__name__)
# The Celery task that builds one run (tasks.py), by its registered name.
BUILD_TASK = "reporting.build_report_run"


def stale_after() -> timedelta:
    """How long a run may go without a sign of life before it is taken over."""
    return timedelta(seconds=getattr(settings, "REPORT_RUN_STALE_SECONDS", 120))


def can_request(user) -> bool:
    """Only the county section asks for or rebuilds a pack: a pack is the county's official
    report, and leaders and administrators read it (they download, they do not replace)."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    return user.is_county_level and user.role == Role.COUNTY_REVIEWER


def asks_for_rollups(user) -> bool:
    """A city's or a province's section (or a superuser): the roll-up pack is theirs."""
    if user.is_superuser:
        return True
    unit = user.unit if user.unit_id else None
    return unit is not None and unit.level in (UnitLevel.CITY, UnitLevel.PROVINCE)


@dataclass
class RequestResult:
    run: ReportRun
    queued: bool  # False: it was already queued or being built
    queue_unavailable: bool = False


# --- asking for a pack ----------------------------------------------------------------------


def request_run(
    *, user, report_set: str, week: ReportingWeek, now: datetime | None = None
) -> RequestResult:
    """The user's unit's pack of ``report_set`` for ``week``, queued (or re-queued)."""
    if not can_request(user):
        raise PermissionDenied(_("Your role does not allow this."))
    if user.unit_id is None:
        raise PermissionDenied(_("Your account has no unit."))
    return queue_run(unit=user.unit, report_set=report_set, week=week, user=user, now=now)


def queue_run(
    *, unit: OrgUnit, report_set: str, week: ReportingWeek, user=None, now=None
) -> RequestResult:
    """Queue the pack of ``unit`` (``user`` None: the schedule asked)."""
    if report_set not in ReportSet.values:
        raise ValidationError({"report_set": _("Choose a report set.")})
    if report_set == ReportSet.ROLLUP_WEEKLY and unit.level not in (
        UnitLevel.CITY,
        UnitLevel.PROVINCE,
    ):
        raise ValidationError(
            {"report_set": _("The roll-up pack is a city's or a province's, one row per county.")}
        )
    now = now or clock.now()
    if not week.has_started(now):
        raise ValidationError({"week": _("This week has not started yet.")})
    with transaction.atomic():
        run = (
            ReportRun.objects.select_for_update()
            .filter(unit=unit, report_set=report_set, year=week.year, week=week.week)
            .first()
        )
        if run is not None and _is_live(run, now):
            return RequestResult(run, queued=False)
        if run is None:
            run = ReportRun(
                unit=unit, report_set=report_set, year=week.year, week=week.week, created_by=user
            )
        run.status = RunStatus.QUEUED
        run.progress = 0
        run.step = ""
        run.error = ""
        run.requested_by = user
        run.requested_at = now
        run.started_at = None
        run.finished_at = None
        run.heartbeat_at = None
        run._history_user = user
        run._change_reason = _("Requested") if user else _("Requested by the schedule")
        run.save()
    unavailable = not dispatch(run)
    run.refresh_from_db()  # a worker (or the inline eager run) may have moved it on
    return RequestResult(run, queued=True, queue_unavailable=unavailable)


def _is_live(run: ReportRun, now: datetime) -> bool:
    """Queued and dispatched recently, or being built by a worker still alive."""
    if run.status == RunStatus.RUNNING:
        return run.heartbeat_at is not None and now - run.heartbeat_at < stale_after()
    if run.status == RunStatus.QUEUED:
        return not run.error and now - run.requested_at < stale_after()
    return False


def dispatch(run: ReportRun) -> bool:
    """Send the run to a worker; False when the queue cannot be reached (the run stays
    queued, with a note, and ``requeue_stale_runs`` sends it once the queue is back).

    The task is found by its registered name (``tasks.py`` registers it, imported when the
    app is ready): the tasks call this module, so this module does not import them."""
    try:
        current_app.tasks[BUILD_TASK].delay(run.pk)
    except Exception as exc:  # the broker's connection errors differ by transport
        if settings.CELERY_TASK_ALWAYS_EAGER:
            raise
        logger.warning("report run %s not dispatched: %r", run.pk, exc)
        message = _(
            "The report queue is unavailable right now. The request is kept and the pack "
            "will be built as soon as the queue is back."
        )
        ReportRun.objects.filter(pk=run.pk, status=RunStatus.QUEUED).update(error=message)
        run.error = message
        return False
    return True


# --- building it ----------------------------------------------------------------------------


class LostClaim(Exception):
    """Another attempt took the run over; this one stops without writing anything."""


def claim(run_id: int, now: datetime | None = None) -> int | None:
    """Take the run for a new attempt; its number, or None when the run is not ours to
    build (done, failed, or being built by a live worker)."""
    now = now or timezone.now()
    takeable = Q(status=RunStatus.QUEUED) | Q(
        status=RunStatus.RUNNING, heartbeat_at__lt=now - stale_after()
    )
    with transaction.atomic():
        updated = ReportRun.objects.filter(takeable, pk=run_id).update(
            status=RunStatus.RUNNING,
            attempt=F("attempt") + 1,
            started_at=now,
            heartbeat_at=now,
            progress=0,
            step="",
            error="",
        )
        if not updated:
            return None
        return ReportRun.objects.values_list("attempt", flat=True).get(pk=run_id)


def _ours(run_id: int, attempt: int):
    return ReportRun.objects.filter(pk=run_id, attempt=attempt, status=RunStatus.RUNNING)


def build(run_id: int) -> str:
    """Build the run's pack (the Celery task's body). Returns what happened, for the log."""
    attempt = claim(run_id)
    if attempt is None:
        return "skipped"
    run = ReportRun.objects.select_related("unit").get(pk=run_id)

    def progress(done: int, total: int, label: str):
        updated = _ours(run_id, attempt).update(
            progress=int(100 * done / total) if total else 100,
            step=label[:200],
            heartbeat_at=timezone.now(),
        )
        if not updated:
            raise LostClaim

    workdir = Path(tempfile.mkdtemp(prefix=f"report-run-{run_id}-"))
    try:
        context = context_for(run.unit, run.period)
        files, archive = write_pack(
            run.report_set, run.unit, run.period, workdir, progress, context=context
        )
        checks = checks_of(context)
        stored_files, stored_zip = _store(run, attempt, files, archive)
        with transaction.atomic():
            finished = _ours(run_id, attempt).update(
                status=RunStatus.DONE,
                progress=100,
                step="",
                files=stored_files,
                zip_file=stored_zip,
                cutoff=checks.cutoff,
                checks=[failure.as_dict() for failure in checks.failures],
                not_reported=checks.not_reported,
                finished_at=timezone.now(),
                heartbeat_at=timezone.now(),
            )
        if not finished:
            raise LostClaim
        _remove_other_attempts(run, attempt)
        return "done"
    except LostClaim:
        _remove_attempt(run, attempt)
        return "lost"
    except Exception as exc:
        logger.exception("report run %s failed", run_id)
        _ours(run_id, attempt).update(
            status=RunStatus.FAILED,
            error=_("The pack could not be built: %(error)s") % {"error": exc},
            finished_at=timezone.now(),
        )
        _remove_attempt(run, attempt)
        return "failed"
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _folder(run: ReportRun, attempt: int | None = None) -> str:
    base = f"reports/{run.unit_id}/{run.report_set}/{run.period.label}"
    return base if attempt is None else f"{base}/{attempt}"


def _store(run: ReportRun, attempt: int, files: list[PackFile], archive: PackFile):
    folder = _folder(run, attempt)
    stored = []
    for file in files:
        with file.path.open("rb") as handle:
            name = default_storage.save(f"{folder}/{file.path.name}", File(handle))
        stored.append(
            {
                "number": file.number,
                "title": file.title,
                "name": name,
                "filename": file.path.name,
                "size": file.path.stat().st_size,
            }
        )
    with archive.path.open("rb") as handle:
        zip_name = default_storage.save(f"{folder}/{archive.path.name}", File(handle))
    return stored, zip_name


def _remove_folder(folder: str) -> None:
    try:
        subfolders, names = default_storage.listdir(folder)
    except FileNotFoundError:
        return
    for name in names:
        default_storage.delete(f"{folder}/{name}")
    for sub in subfolders:
        _remove_folder(f"{folder}/{sub}")


def _remove_attempt(run: ReportRun, attempt: int) -> None:
    _remove_folder(_folder(run, attempt))


def _remove_other_attempts(run: ReportRun, attempt: int) -> None:
    """Older attempts' files (a replaced pack, an attempt that was taken over)."""
    try:
        subfolders, _names = default_storage.listdir(_folder(run))
    except FileNotFoundError:
        return
    for sub in subfolders:
        if sub != str(attempt):
            _remove_folder(f"{_folder(run)}/{sub}")


# --- the schedule ---------------------------------------------------------------------------


def week_just_due(now: datetime | None = None) -> ReportingWeek:
    """The week whose Tuesday 17:00 deadline is the latest one passed."""
    from .periods import current_week

    return current_week(now).previous()


def queue_weekly_packs(now: datetime | None = None) -> list[ReportRun]:
    """Tuesday after 17:00: every county's weekly pack of the week just due."""
    now = now or clock.now()
    week = week_just_due(now)
    results = []
    for unit in OrgUnit.objects.filter(level=UnitLevel.COUNTY).order_by("path"):
        results.append(
            queue_run(unit=unit, report_set=ReportSet.DISTRICT_WEEKLY, week=week, now=now).run
        )
    return results


def requeue_stale_runs(now: datetime | None = None) -> list[int]:
    """Runs whose worker died, and queued runs that never reached one: send them again."""
    now = now or timezone.now()
    cutoff = now - stale_after()
    stale = ReportRun.objects.filter(
        Q(status=RunStatus.RUNNING, heartbeat_at__lt=cutoff)
        | Q(status=RunStatus.QUEUED, requested_at__lt=cutoff)
        | (Q(status=RunStatus.QUEUED) & ~Q(error=""))
    )
    requeued = []
    for run in stale.order_by("pk"):
        if dispatch(run):
            ReportRun.objects.filter(pk=run.pk, status=RunStatus.QUEUED).update(error="")
            requeued.append(run.pk)
    return requeued
