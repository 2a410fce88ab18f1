"""What a unit reads about persons shared with other units (issue 19, finding 1): the
corrections proposed to it or by it, and the roles other units gave its persons."""

from django.db.models import Case, When

from ..models import Person, PersonChangeProposal, PersonRole, PersonRoleKind, ProposalStatus

RECENT_LINKS = 100


def proposals_for(user):
    """The proposals the user sees, waiting ones first: those their unit decides, and those
    their unit made (one query with what the page shows)."""
    return (
        PersonChangeProposal.objects.visible_to(user)
        .select_related(
            "person", "role__institution__township", "decider", "created_by", "decided_by"
        )
        .order_by(
            # Waiting ones first, newest first within each state.
            Case(When(status=ProposalStatus.PENDING, then=0), default=1),
            "-created_at",
            "-pk",
        )
    )


def links_from_elsewhere(user) -> list[dict]:
    """Another unit gave one of the user's persons a role: which person (one the user sees),
    as what, in which township, since when. A projection, not the other unit's records: the
    role and its institution stay out of reach (no link, no name), only the fact of the link
    is shown, as the persons rule asks (docs/security.md)."""
    if not user.is_authenticated or user.unit_id is None or user.is_superuser:
        return []
    prefix = user.unit.path
    persons = Person.objects.visible_to(user).values("pk")
    rows = (
        PersonRole.objects.filter(person_id__in=persons)
        .exclude(scope_path__startswith=prefix)
        .order_by("-created_at", "-pk")
        .values(
            "person__name",
            "kind",
            "started_on",
            "ended_on",
            "created_at",
            "institution__township__name",
            "institution__township__parent__name",
        )[:RECENT_LINKS]
    )
    kinds = dict(PersonRoleKind.choices)
    return [
        {
            "person": row["person__name"],
            "kind": kinds.get(row["kind"], row["kind"]),
            "started_on": row["started_on"],
            "ended_on": row["ended_on"],
            "linked_at": row["created_at"],
            "unit": "".join(
                filter(
                    None,
                    (
                        row["institution__township__parent__name"],
                        row["institution__township__name"],
                    ),
                )
            ),
        }
        for row in rows
    ]
