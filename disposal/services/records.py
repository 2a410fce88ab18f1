"""Writes of the records kept per institution: resettlement, assistance, transfers, and the
"一院一策" plan. Refunds to elders are written by the refund ledger's service
(``screening.services.refunds``), against their prepayment records."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.concurrency import EditConflict
from institutions.models import Institution

from ..models import InstitutionPlan
from .common import _save, require_editor


@transaction.atomic
def save_record(*, user, record, today: date | None = None):
    """Create or edit a resettlement, assistance or transfer."""
    require_editor(user, record.institution)
    if record.pk is None:
        record.created_by = user
    record.full_clean()
    return _save(record, user)


@transaction.atomic
def save_plan(
    *, user, institution: Institution, text: str, based_on: int | None = None
) -> InstitutionPlan | None:
    """A new version of the "一院一策" plan; nothing when the text did not change.

    ``based_on`` is the version the writer opened (0: none): when another version was saved
    since, the save is refused and names it (the page always passes it)."""
    require_editor(user, institution)
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write the plan.")})
    latest = (
        InstitutionPlan.objects.select_for_update()
        .filter(institution=institution)
        .order_by("-version")
        .first()
    )
    current = latest.version if latest else 0
    if based_on is not None and based_on != current:
        raise EditConflict(
            _(
                "%(who)s saved version %(v)s of the plan at %(when)s, after you opened it. "
                "Your text was not saved and theirs was not overwritten: open the plan again "
                "and make your changes to their version."
            )
            % {
                "who": latest.created_by or _("Someone"),
                "v": current,
                "when": timezone.localtime(latest.created_at).strftime("%Y-%m-%d %H:%M"),
            },
            code="edit_conflict",
        )
    if latest is not None and latest.text == text:
        return None
    plan = InstitutionPlan(
        institution=institution,
        version=(latest.version + 1) if latest else 1,
        text=text,
        created_by=user,
    )
    plan.save()
    return plan
