"""Writes to screening visits (排查走访): save a draft, submit it, and the county's reopening.

衡山县方案: 采用"四不两直"的方式逐一上门排查，特别是要询问入住的老年人或者其代理人. A visit
is recorded on a phone at the door, often in several sittings, so a draft can be saved and
finished later; only a submitted visit counts for the rating, and once submitted it is read
only until the county section reopens it (with a reason, kept in the history).
"""

from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import clock

from ..models import (
    PendingAttachment,
    ScreeningVisit,
    VisitAttachment,
    VisitStatus,
    YesNoUnknown,
)

HISTORY_REASON_LENGTH = 100  # simple-history's history_change_reason column
CLIENT_ID_LENGTH = 64
# Files kept for a refused form are dropped after this long if no save took them.
PENDING_KEPT_FOR = timedelta(days=2)


def in_scope(user, institution) -> bool:
    """The institution lies in the user's unit subtree (no query: paths are denormalised)."""
    if user.is_superuser:
        return True
    return user.unit_id is not None and institution.scope_path.startswith(user.unit.path)


def require_editor(user, institution):
    if not user.can_edit_registry:
        raise PermissionDenied(_("Your role does not allow this."))
    if not in_scope(user, institution):
        raise PermissionDenied(_("This institution is outside your unit."))


def stored_status(visit: ScreeningVisit) -> str | None:
    """The status in the database, not what a form may have put on the instance."""
    if visit.pk is None:
        return None
    return ScreeningVisit.objects.filter(pk=visit.pk).values_list("status", flat=True).first()


def check_submittable(visit: ScreeningVisit) -> None:
    """What a submitted visit must say (the plans' key items that the rating reads)."""
    errors = {}
    if visit.large_prepayment_found == YesNoUnknown.YES and not visit.fund_use:
        errors["fund_use"] = _(
            "Large prepayments were found: state how the prepayment funds are used "
            "before submitting."
        )
    if errors:
        raise ValidationError(errors)


def _mark_submitted(visit: ScreeningVisit):
    visit.status = VisitStatus.SUBMITTED
    visit.submitted_at = timezone.now()
    visit.county_reviewed_at = None
    visit._change_reason = _("Submitted")


@transaction.atomic
def save_visit(
    *,
    user,
    visit: ScreeningVisit,
    interviews=(),
    attachments=(),
    kept=(),
    submit: bool = False,
) -> ScreeningVisit:
    """Create or update a draft visit with its interviews and new attachments; optionally
    submit it in the same step.

    ``interviews`` are unsaved or changed ``ResidentInterview`` instances; ``attachments``
    are ``(uploaded_file, caption)`` pairs already checked for size and type; ``kept`` are
    the user's ``PendingAttachment`` rows (files of an earlier try of the form), attached
    and then dropped.
    """
    require_editor(user, visit.institution)
    if stored_status(visit) == VisitStatus.SUBMITTED:
        raise ValidationError(
            _("A submitted visit cannot be changed; the county section may reopen it.")
        )
    # Everything is checked before anything is written, so that a refused save leaves the
    # instance as the user left it (a new visit stays new, a draft stays a draft).
    if submit:
        check_submittable(visit)
    visit.full_clean(exclude=["status", "submitted_at"])
    for interview in interviews:
        interview.full_clean(exclude=["visit"])
    if visit.pk is None:
        visit.created_by = user
        visit.received_at = clock.now()
    if submit:
        _mark_submitted(visit)
    else:
        visit.status = VisitStatus.DRAFT
    visit._history_user = user
    visit.save()
    for interview in interviews:
        interview.visit = visit
        if interview.pk is None:
            interview.created_by = user
        interview.save()
    _store_attachments(visit, attachments, user)
    for pending in kept:
        if pending.owner_id != user.pk:
            raise PermissionDenied(_("This file is not yours."))
        with pending.file.open("rb") as handle:
            VisitAttachment.objects.create(
                visit=visit,
                file=File(handle, name=pending.name),
                caption=pending.caption,
                created_by=user,
            )
        drop_pending(pending)
    return visit


def _store_attachments(visit, attachments, user) -> list[VisitAttachment]:
    return [
        VisitAttachment.objects.create(
            visit=visit, file=upload, caption=caption or "", created_by=user
        )
        for upload, caption in attachments
    ]


@transaction.atomic
def attach_files(*, user, visit: ScreeningVisit, attachments) -> list[VisitAttachment]:
    """Add photos or documents to a draft visit without changing anything else (a field app
    sending its pictures after the visit): the same rules as the visit form's uploads —
    ``attachments`` are ``(file, caption)`` pairs its field has checked, a submitted visit
    takes none — and a row in the visit's history naming the files and who added them."""
    require_editor(user, visit.institution)
    current = ScreeningVisit.objects.select_for_update().get(pk=visit.pk)
    if current.status == VisitStatus.SUBMITTED:
        raise ValidationError(
            _("A submitted visit cannot be changed; the county section may reopen it.")
        )
    stored = _store_attachments(current, attachments, user)
    names = ", ".join(attachment.file.name.rsplit("/", 1)[-1] for attachment in stored)
    current._history_user = user
    current._change_reason = (_("Files attached: %(names)s") % {"names": names})[
        :HISTORY_REASON_LENGTH
    ]
    current.save()
    return stored


def drop_pending(pending: PendingAttachment) -> None:
    """Delete a kept file's row now and its file once the transaction has committed."""
    storage, name = pending.file.storage, pending.file.name
    pending.delete()
    transaction.on_commit(lambda: storage.delete(name))


def drop_stale_pending(user) -> None:
    stale = PendingAttachment.objects.visible_to(user).filter(
        created_at__lt=timezone.now() - PENDING_KEPT_FOR
    )
    for pending in stale:
        drop_pending(pending)


def already_recorded(user, client_id: str) -> ScreeningVisit | None:
    if not client_id:
        return None
    return (
        ScreeningVisit.objects.visible_to(user)
        .select_related("institution")
        .filter(created_by=user, client_id=client_id)
        .first()
    )


def _same_visit(existing: ScreeningVisit, visit: ScreeningVisit) -> ScreeningVisit:
    if existing.institution_id != visit.institution_id:
        raise ValidationError(
            {
                "client_id": _(
                    "This visit's id was already used for a visit to %(name)s: it cannot "
                    "record a visit to another institution. Record this one as a new visit."
                )
                % {"name": existing.institution.name}
            },
            code="client_id_reused",
        )
    return existing


def record_visit(
    *,
    user,
    visit: ScreeningVisit,
    client_id: str = "",
    interviews=(),
    attachments=(),
    kept=(),
    submit: bool = False,
) -> tuple[ScreeningVisit, bool]:
    """A new visit, made at most once per ``client_id`` (the form's, the phone's outbox's or
    the API's own id of the visit): a replayed or concurrent request with the same id gets
    the visit already made. Returns ``(visit, created)``.

    The unique constraint ``one_visit_per_client_id`` decides between concurrent requests;
    the loser's savepoint is rolled back and it answers the winner's row. The same id sent
    for another institution is refused.
    """
    client_id = (client_id or "").strip()
    if len(client_id) > CLIENT_ID_LENGTH:
        raise ValidationError(
            {"client_id": _("At most %(n)d characters.") % {"n": CLIENT_ID_LENGTH}}
        )
    if not client_id:
        return save_visit(
            user=user,
            visit=visit,
            interviews=interviews,
            attachments=attachments,
            kept=kept,
            submit=submit,
        ), True
    existing = already_recorded(user, client_id)
    if existing is not None:
        return _same_visit(existing, visit), False
    visit.client_id = client_id
    try:
        with transaction.atomic():
            saved = save_visit(
                user=user,
                visit=visit,
                interviews=interviews,
                attachments=attachments,
                kept=kept,
                submit=submit,
            )
    except (IntegrityError, ValidationError):
        # Another request with the same id got there first (the constraint, or full_clean
        # seeing its committed row): answer what it made.
        existing = already_recorded(user, client_id)
        if existing is None:
            visit.pk = None
            raise
        return _same_visit(existing, visit), False
    return saved, True


@transaction.atomic
def submit_visit(*, user, visit: ScreeningVisit) -> ScreeningVisit:
    """Submit a draft as it stands; it then counts for the rating and becomes read only."""
    require_editor(user, visit.institution)
    if stored_status(visit) == VisitStatus.SUBMITTED:
        raise ValidationError(_("This visit has already been submitted."))
    check_submittable(visit)
    visit.full_clean()
    _mark_submitted(visit)
    visit._history_user = user
    visit.save()
    return visit


@transaction.atomic
def withdraw_visit(*, user, visit: ScreeningVisit) -> ScreeningVisit:
    """Township staff take back a submission the county section has not acted on: the visit
    is a draft again (it stops counting for the rating) and can be corrected and resubmitted.
    Once the county has reviewed a rating made with it, only the county reopens it."""
    require_editor(user, visit.institution)
    # The row is locked: a county review committing meanwhile is either seen or waits.
    current = ScreeningVisit.objects.select_for_update().get(pk=visit.pk)
    if current.status != VisitStatus.SUBMITTED:
        raise ValidationError(_("Only a submitted visit can be withdrawn."))
    if current.county_reviewed_at is not None:
        raise ValidationError(
            _(
                "The county section has already reviewed the rating made with this visit: "
                "it can no longer be withdrawn. Ask the county section to reopen it."
            )
        )
    visit.status = VisitStatus.DRAFT
    visit.submitted_at = None
    visit._history_user = user
    visit._change_reason = _("Withdrawn by the township")
    visit.save(update_fields=["status", "submitted_at", "updated_at"])
    return visit


def mark_reviewed(institution_ids, now) -> int:
    """The county reviewed ratings of these institutions: their submitted visits can no
    longer be withdrawn (called by the rating's review; one UPDATE)."""
    return ScreeningVisit.objects.filter(
        institution_id__in=list(institution_ids),
        status=VisitStatus.SUBMITTED,
        county_reviewed_at__isnull=True,
    ).update(county_reviewed_at=now)


@transaction.atomic
def reopen_visit(*, user, visit: ScreeningVisit, reason: str) -> ScreeningVisit:
    """The county section sends a submitted visit back to draft; the reason is audited."""
    if not user.can_review:
        raise PermissionDenied(_("Only the county section reopens a submitted visit."))
    if not in_scope(user, visit.institution):
        raise PermissionDenied(_("This institution is outside your unit."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for reopening.")})
    if stored_status(visit) != VisitStatus.SUBMITTED:
        raise ValidationError(_("Only a submitted visit can be reopened."))
    visit.status = VisitStatus.DRAFT
    visit.submitted_at = None
    visit._history_user = user
    visit._change_reason = (_("Reopened: %(reason)s") % {"reason": reason})[:HISTORY_REASON_LENGTH]
    visit.save()
    return visit
