"""Reads behind the visit pages: the institutions to choose from when recording a visit,
and who submitted a visit."""

from core.search import search_q
from institutions.models import Institution

from ..models import VisitStatus


def institutions_to_visit(user, q: str = ""):
    """Active institutions and venues the user sees, found by name, address or credit code."""
    institutions = (
        Institution.objects.visible_to(user)
        .active()
        .select_related("township")
        .order_by("township__path", "name")
    )
    if q:
        institutions = institutions.filter(
            search_q(q, "name__icontains", "actual_address__icontains", "credit_code__iexact")
        )
    return institutions


def submitted_by(history):
    """Who submitted the visit: the oldest record of the latest run of submitted records."""
    who = None
    for entry in history:  # newest first
        if entry.record.status != VisitStatus.SUBMITTED:
            break
        who = entry.record.history_user
    return who
