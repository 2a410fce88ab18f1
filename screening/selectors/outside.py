"""Reads of the outside records (lawsuits, blacklists, complaints, shared lists) and of their
matches to the registry: the name matches waiting for a person, per kind and per import."""

from collections import defaultdict

from django.db.models import Count
from django.utils.translation import gettext_lazy

from ..models import BlacklistEntry, Complaint, Lawsuit, MatchStatus, SharedListEntry

# The kinds of matched records, as named in URLs and in the match list's filter.
MATCH_KINDS = {
    "lawsuit": (Lawsuit, gettext_lazy("Lawsuits")),
    "blacklist": (BlacklistEntry, gettext_lazy("Blacklists")),
    "complaint": (Complaint, gettext_lazy("Complaints and reports")),
    "shared": (SharedListEntry, gettext_lazy("Shared lists")),
}

# The model each kind of import creates matched records in (by ImportKind value).
BATCH_MODELS = {
    "lawsuits": Lawsuit,
    "blacklist": BlacklistEntry,
    "complaints": Complaint,
    "shared_list": SharedListEntry,
}


def pending_counts(user) -> dict[str, int]:
    """{kind: number of pending matches} the user sees, one query per kind."""
    return {
        kind: model.objects.visible_to(user).filter(match_status=MatchStatus.PENDING).count()
        for kind, (model, _label) in MATCH_KINDS.items()
    }


def pending_matches(user, kind: str, batch: int | None = None):
    """The records of ``kind`` whose name match waits for a person (of one import when
    ``batch`` is given), the newest first."""
    model = MATCH_KINDS[kind][0]
    related = ["person", "institution", "institution__township", "batch"]
    if kind == "shared":
        related.append("township")
    records = (
        model.objects.visible_to(user)
        .filter(match_status=MatchStatus.PENDING)
        .select_related(*related)
        .order_by("-created_at", "-pk")
    )
    if batch is not None:
        records = records.filter(batch_id=batch)
    return records


def batch_summary(batch) -> dict[str, int]:
    """{match status: number of records} created by one import batch (one query)."""
    counts: dict[str, int] = defaultdict(int)
    model = BATCH_MODELS.get(batch.kind)
    if model is None:
        return {}
    for row in model.objects.filter(batch=batch).values("match_status").annotate(n=Count("pk")):
        counts[row["match_status"]] = row["n"]
    return dict(counts)
