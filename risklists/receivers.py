"""How the rating hears that what it rates changed (connected in ``apps.py``).

An institution is re-rated after a change to its registry row or to any screening record
that the facts builder reads, once the transaction has committed (a Celery task, queued
once per institution however many of its rows a transaction saved); everything below a
unit after a new threshold version or an import.
"""

from django.db import connection, transaction

from . import tasks

# Screening models whose rows feed the facts builder (figures.py).
WATCHED_MODELS = (
    "screening.PrepaymentRecord",
    "screening.PrepaymentRefund",  # the refund ledger: what is outstanding
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
    # A 重大 public opinion event establishes 引起不良影响或重大舆情 (R5).
    "screening.OpinionEvent",
    # A county resolution ends a standing finding (爆雷, 涉嫌犯罪, …): re-rate at once.
    "screening.FindingResolution",
    # The authority's determination (衡山县 §二.二 调查认定): R2 and 属于非法集资的.
    "screening.FundraisingDetermination",
)


class _Rerate:
    """An on-commit callback that queues one re-rating; ``key`` lets a transaction queue
    each institution (or person) once however many of its rows were saved."""

    def __init__(self, key):
        self.key = key

    def __call__(self):
        kind, pk = self.key
        if kind == "institution":
            tasks.rate_institution.delay(pk)
        else:
            tasks.rate_person_institutions.delay(pk)


def _already_queued(key) -> bool:
    pending = getattr(connection, "run_on_commit", None) or ()
    return any(getattr(entry[1], "key", None) == key for entry in pending)


def queue_rerate(kind: str, pk) -> None:
    if pk is None:
        return
    key = (kind, pk)
    if connection.in_atomic_block and _already_queued(key):
        return
    transaction.on_commit(_Rerate(key))


def institution_changed(sender, instance, raw=False, **kwargs):
    if raw:  # loaddata: fixtures are rated by rate_all afterwards
        return
    queue_rerate("institution", instance.pk)


def record_changed(sender, instance, raw=False, **kwargs):
    if raw:
        return
    queue_rerate("institution", getattr(instance, "institution_id", None))
    # A suit, blacklist entry or complaint about a person counts for every institution
    # where that person holds a role; the task finds them (no query here).
    person_id = getattr(instance, "person_id", None)
    if person_id is not None and sender._meta.model_name != "personrole":
        queue_rerate("person", person_id)


def import_applied(sender, batch, **kwargs):
    """An import wrote records in bulk (no save signals): once it has committed, re-rate
    everything under the importing unit. Rating is idempotent and set-based, so the
    institutions the import did not touch cost a little time and change nothing."""
    unit_id = batch.unit_id
    transaction.on_commit(lambda: tasks.rate_unit.delay(unit_id))


def rerate_below_unit(sender, version, **kwargs):
    """A new threshold version: everything below its unit is rated with it, on commit."""
    unit_id = version.unit_id
    transaction.on_commit(lambda: tasks.rate_unit.delay(unit_id))
