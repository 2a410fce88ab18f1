"""Resolving a finding that stays found (``models/findings.py``): the county section's
decision, with its reason, that 爆雷, 涉嫌犯罪, 重大舆情, 承诺投资回报, 虚假宣传 or 关联交易 no
longer holds for an institution. The history names who resolved it, when and why; the
rating hears of it through the save (``risklists.receivers``) and re-rates the institution.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core import clock
from institutions.models import Institution

from ..models import FindingResolution, StandingFact
from ..selectors.findings import standing_findings
from .visits import HISTORY_REASON_LENGTH, in_scope

REASON_LENGTH = 1000


def can_resolve(user) -> bool:
    """Only the county section resolves a finding (township staff see them read only)."""
    return bool(user.can_review)


@transaction.atomic
def resolve_finding(*, user, institution: Institution, fact: str, reason: str):
    """Resolve the standing finding ``fact`` of ``institution``, naming the record that
    had established it."""
    if not can_resolve(user):
        raise PermissionDenied(_("Only the county section resolves a finding."))
    if not in_scope(user, institution):
        raise PermissionDenied(_("This institution is outside your unit."))
    if fact not in StandingFact.values:
        raise ValidationError({"fact": _("Choose a finding.")})
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for resolving the finding.")})
    if len(reason) > REASON_LENGTH:
        raise ValidationError({"reason": _("The reason is too long.")})
    # Two county users resolving the same finding at once: the second waits, then finds
    # it no longer standing.
    Institution.objects.select_for_update().filter(pk=institution.pk).first()
    source = standing_findings([institution.pk]).get(institution.pk, {}).get(fact)
    if source is None:
        raise ValidationError(_("This finding does not stand: there is nothing to resolve."))
    resolution = FindingResolution(
        institution=institution,
        fact=fact,
        source_kind=source.kind,
        source_id=source.id,
        source_date=source.date,
        reason=reason,
        resolved_by=user,
        resolved_at=clock.now(),
        created_by=user,
    )
    resolution._history_user = user
    resolution._change_reason = (
        _("Resolved %(finding)s: %(reason)s")
        % {"finding": StandingFact(fact).label, "reason": reason}
    )[:HISTORY_REASON_LENGTH]
    resolution.save()
    return resolution
