"""Reads of the registry that need thought: completeness and per-township summaries."""

from django.db.models import Count, Q, Sum

from accounts.models import OrgUnit

from .models import Institution, RegistrationStatus

# Fields a screened record must have for the "四看" first look: 信息是否全面准确.
COMPLETENESS_FIELDS = (
    "actual_address",
    "legal_representative",
    "principal",
    "contact_phone",
)


# 衡山县 §一.二 第三 重点排查…规模相对较大的: the plan gives no number; from this many beds an
# institution counts as large in the registry's and the "四看" review's size filter.
LARGE_INSTITUTION_BEDS = 100


def large_q(beds: int = LARGE_INSTITUTION_BEDS) -> Q:
    """规模相对较大的: at least ``beds`` beds (an unknown bed count is not large)."""
    return Q(beds__gte=beds)


def incomplete_q() -> Q:
    """Rows missing information the screening needs (a registered one also needs its codes)."""
    missing = Q(beds__isnull=True)
    for name in COMPLETENESS_FIELDS:
        missing |= Q(**{name: ""})
    registered_missing = ~Q(registration_status=RegistrationStatus.UNREGISTERED) & (
        Q(credit_code="") | Q(legal_form="") | Q(ownership="")
    )
    return missing | registered_missing


def township_summary(user):
    """One row per visible township: institutions, venues, beds, residents, incomplete."""
    active = Q(institutions__archived_at__isnull=True)
    venue = Q(institutions__registration_status=RegistrationStatus.UNREGISTERED)
    return (
        OrgUnit.objects.visible_to(user)
        .townships()
        .annotate(
            n_institutions=Count("institutions", filter=active & ~venue),
            n_venues=Count("institutions", filter=active & venue),
            n_beds=Sum("institutions__beds", filter=active),
            n_residents=Sum("institutions__residents", filter=active),
        )
        .order_by("path")
    )


def incomplete_institutions(user, limit=10):
    return (
        Institution.objects.visible_to(user)
        .active()
        .filter(incomplete_q())
        .select_related("township")
        .order_by("-updated_at")[:limit]
    )
