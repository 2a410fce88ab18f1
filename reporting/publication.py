"""Writes of the publication list (政务公开, 区县方案 二(三)三): the county section prepares it
for a date, refreshes it while it is a draft, and approves it.

The rows are read by ``selectors.publication`` and kept on the list. Approval carries the
version of the list the approver saw (``core.concurrency.claim``): a list refreshed or
approved by someone else after the page was opened is refused, never approved unseen. Each
step names the user in the history.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.models import OrgUnit, UnitLevel
from core import clock
from core.concurrency import claim, conflict_with

from .choices import PublicationStatus
from .models import PublicationList
from .selectors.publication import publication_rows


def preparation_refused(user, unit: OrgUnit) -> str | None:
    """Why ``user`` may not prepare or approve ``unit``'s list, or None: the county section of
    that county (a city reads the approved lists of its counties; leaders read only)."""
    if not user.can_review:
        return _("Only the county section prepares and approves the publication list.")
    if unit.level != UnitLevel.COUNTY:
        return _("Only a county or district publishes this list.")
    if not user.is_superuser and user.unit_id != unit.pk:
        return _("Only the county section of this county prepares its publication list.")
    return None


def _require_preparer(user, unit: OrgUnit) -> None:
    refused = preparation_refused(user, unit)
    if refused:
        raise PermissionDenied(refused)


def _read_rows(publication: PublicationList) -> None:
    publication.rows = publication_rows(publication.unit.path, publication.since, publication.as_of)
    publication.read_at = clock.now()


@transaction.atomic
def prepare_publication(*, user, unit: OrgUnit, as_of: date, since: date) -> PublicationList:
    """A new draft list of ``unit`` for ``as_of``, its rows read now."""
    _require_preparer(user, unit)
    if as_of > clock.today():
        raise ValidationError({"as_of": _("The publication date cannot be in the future.")})
    publication = PublicationList(unit=unit, as_of=as_of, since=since, created_by=user)
    publication.full_clean(exclude=["rows"], validate_constraints=False)
    existing = PublicationList.objects.filter(unit=unit, as_of=as_of).first()
    if existing is not None:
        raise ValidationError({"as_of": _("This county already has a list for this date.")})
    _read_rows(publication)
    publication._history_user = user
    try:
        with transaction.atomic():
            publication.save()
    except IntegrityError:
        found = PublicationList.objects.filter(unit=unit, as_of=as_of).first()
        raise conflict_with(PublicationList, found.pk if found else None) from None
    return publication


def _locked(user, publication: PublicationList, version: str | None) -> PublicationList:
    _require_preparer(user, publication.unit)
    claim(PublicationList, publication.pk, version)
    publication = PublicationList.objects.select_related("unit").get(pk=publication.pk)
    if publication.is_approved:
        raise ValidationError(_("This list has already been approved."))
    return publication


@transaction.atomic
def refresh_publication(*, user, publication: PublicationList, version: str | None):
    """Read the rows of a draft again (the registry, visits or penalties changed)."""
    publication = _locked(user, publication, version)
    _read_rows(publication)
    publication._history_user = user
    publication._change_reason = _("Rows read again")
    publication.save()
    return publication


@transaction.atomic
def approve_publication(*, user, publication: PublicationList, version: str | None):
    """The county section approves the list as it saw it: from now on it is downloaded for
    the website and read by the leaders and the units above, and no longer changes."""
    publication = _locked(user, publication, version)
    publication.status = PublicationStatus.APPROVED
    publication.approved_at = clock.now()
    publication.approved_by = user
    publication._history_user = user
    publication._change_reason = _("Approved for publication")
    publication.save()
    return publication
