"""The "四看" review's writes: the verification of a candidate (三看), the county's official
count of a township (二看), and the registry's 收取大额预付费 brought in line with the latest
visit (一看). The figures are read by ``selectors/four_looks.py``."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import OrgUnit, UnitLevel
from institutions.models import Institution
from institutions.services import save_institution

from ..models import OfficialCount, SharedListEntry, YesNoUnknown
from ..selectors.visits import with_large_prepayment_flag


class CandidateOutcome:
    """What the township found when it verified a candidate (三看: 补齐未登记、已登记但未备案)."""

    UNREGISTERED = "unregistered"
    REGISTERED_NOT_FILED = "registered_not_filed"
    ON_REGISTRY = "on_registry"
    NOT_ELDER_CARE = "not_elder_care"
    NOT_FOUND = "not_found"

    choices = [
        (UNREGISTERED, gettext_lazy("Unregistered venue (未登记): to add to the registry")),
        (
            REGISTERED_NOT_FILED,
            gettext_lazy("Registered, not filed (登记未备案): to add to the registry"),
        ),
        (ON_REGISTRY, gettext_lazy("Already on the registry under another name")),
        (NOT_ELDER_CARE, gettext_lazy("Not an elder-care service")),
        (NOT_FOUND, gettext_lazy("Not found at the address / closed")),
    ]


NOTE_LENGTH = 255


def _require(user, permission: str):
    if not getattr(user, permission, False):
        raise PermissionDenied(_("Your role does not allow this."))


@transaction.atomic
def verify_candidate(*, user, entry: SharedListEntry, outcome: str, note: str = ""):
    """Record the verification of an unmatched shared-list entry; the history names ``user``."""
    _require(user, "can_edit_registry")
    if not SharedListEntry.objects.visible_to(user).filter(pk=entry.pk).exists():
        raise PermissionDenied(_("This record is outside your unit."))
    labels = dict(CandidateOutcome.choices)
    if outcome not in labels:
        raise ValidationError({"outcome": _("Choose what the verification found.")})
    text = str(labels[outcome])
    if note.strip():
        text = f"{text}：{note.strip()}"
    entry.verified_note = text[:NOTE_LENGTH]
    entry._history_user = user
    entry.save()
    return entry


@transaction.atomic
def save_official_count(*, user, township: OrgUnit, as_of: date, institutions: int, notes=""):
    """二看: the county enters the civil-affairs statistics' count; one per township and date."""
    _require(user, "can_review")
    if township.level != UnitLevel.TOWNSHIP or not (
        OrgUnit.objects.visible_to(user).filter(pk=township.pk).exists()
    ):
        raise PermissionDenied(_("This township is outside your unit."))
    if as_of > timezone.localdate():
        raise ValidationError({"as_of": _("The date cannot be in the future.")})
    count = OfficialCount.objects.filter(unit=township, as_of=as_of).first() or OfficialCount(
        unit=township, as_of=as_of, created_by=user
    )
    count.institutions = institutions
    count.notes = notes
    count._history_user = user
    count.full_clean()
    count.save()
    return count


@transaction.atomic
def align_large_prepayment_flag(*, user, institution: Institution) -> Institution:
    """一看 准确: the registry's 收取大额预付费 takes what the latest visit found, through the
    registry's own service (its history names the user and says why)."""
    _require(user, "can_edit_registry")
    row = (
        with_large_prepayment_flag(Institution.objects.visible_to(user).filter(pk=institution.pk))
        .values("visit_large_prepayment")
        .first()
    )
    if row is None:
        raise PermissionDenied(_("This institution is outside your unit."))
    answer = row["visit_large_prepayment"]
    if answer not in (YesNoUnknown.YES, YesNoUnknown.NO):
        raise ValidationError(_("No visit found whether it collects large prepayments."))
    institution.collects_large_prepayment = answer == YesNoUnknown.YES
    return save_institution(
        user=user,
        institution=institution,
        reason=_("Four-looks review: large prepayments as the latest visit found"),
    )
