"""Celery tasks of reporting. They take primary keys and are idempotent: a run is claimed
before it is built (``runs.claim``), so a duplicate or redelivered message does nothing.

- ``build_report_run``: build one pack (asked for from a page, the command or the beat).
- ``build_weekly_packs``: Tuesday 17:05 Asia/Shanghai, every county's weekly pack of the
  week just due (区县方案: 每周二下午17时前报送).
- ``requeue_stale_runs``: every minute, runs whose worker died or that never reached one.
"""

from celery import shared_task

from . import runs


@shared_task(name=runs.BUILD_TASK, acks_late=True)
def build_report_run(run_id: int) -> str:
    return runs.build(run_id)


@shared_task(name="reporting.build_weekly_packs", acks_late=True)
def build_weekly_packs() -> list[int]:
    return [run.pk for run in runs.queue_weekly_packs()]


@shared_task(name="reporting.requeue_stale_runs", acks_late=True)
def requeue_stale_runs() -> list[int]:
    return runs.requeue_stale_runs()
