"""The review list as a spreadsheet, as its page shows it (issue 17, "Every list exports"):
the proposals the filters select, all pages, through the one writer (``core.xlsx``)."""

from django.utils.translation import gettext_lazy as _

from core.exports import list_table, plain
from core.xlsx import Column

from .levels import Level


def level_label(level: str) -> str:
    return str(Level(level).label) if level else str(_("Not rated"))


def clauses_text(hits) -> str:
    """The plan clauses a rating found, one a line: 「R3 clause」 (risklists/_clauses.html)."""
    return "\n".join(f"{hit['code']} {hit['clause']}" for hit in hits or ())


def _approved_level(assessment) -> str:
    rating = getattr(assessment.institution, "rating", None)
    approved = rating.approved_level if rating else ""
    return level_label(approved) if approved else "—"


REVIEW_TABLE = list_table(
    _("Review of ratings"),
    (
        Column("level", (_("Proposed level"),), width=10, value=lambda a: level_label(a.level)),
        Column(
            "institution",
            (_("Institution or venue"),),
            width=26,
            value=lambda a: a.institution.name,
        ),
        Column("computed_at", (_("Computed at"),), width=17, value=lambda a: plain(a.computed_at)),
        Column(
            "township",
            (_("Township / street"),),
            width=12,
            value=lambda a: str(a.institution.township or ""),
        ),
        Column(
            "clauses",
            (_("Risks found (plan clauses)"),),
            width=40,
            value=lambda a: clauses_text(a.hits),
        ),
        Column("approved_level", (_("Approved level"),), width=10, value=_approved_level),
        Column("state", (_("Review state"),), width=10, value=lambda a: a.get_state_display()),
        Column(
            "return_reason", (_("Reason for returning"),), width=24, value=lambda a: a.return_reason
        ),
    ),
)
