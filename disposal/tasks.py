"""Celery tasks of disposal. They take no objects, only plain values, and are idempotent."""

from datetime import date

from celery import shared_task

from .services import actions as services


@shared_task(name="disposal.flag_overdue_actions", acks_late=True)
def flag_overdue_actions(today: str | None = None) -> int:
    """Daily (beat): flag open actions past their deadline; the county's board shows them
    first. Safe to run twice a day or to retry: an action is flagged once."""
    day = date.fromisoformat(today) if today else None
    return services.flag_overdue_actions(today=day)
