"""Writes to the registry. Each function owns its transaction and records who did it."""

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from accounts.models import OrgUnit
from core.outbox import create_once
from core.scoping import propagate_scope

from .models import Institution

BULK_BATCH_SIZE = 500
CHANGE_REASON_LENGTH = 100  # simple-history's history_change_reason column


def _require_editor(user, institution: Institution | None = None):
    if not user.can_edit_registry:
        raise PermissionDenied(_("Your role cannot change the registry."))
    if institution is not None and institution.township_id:
        township = institution.township
        if not user.is_superuser and (
            user.unit is None or not township.path.startswith(user.unit.path)
        ):
            raise PermissionDenied(_("This township is outside your unit."))


@transaction.atomic
def save_institution(*, user, institution: Institution, reason: str = "") -> Institution:
    """Create or update an institution after validation; the history row names ``user``."""
    _require_editor(user, institution)
    institution.full_clean()
    if institution.pk is None:
        institution.created_by = user
    institution._history_user = user
    if reason:
        institution._change_reason = reason
    old_path = institution.scope_path
    institution.save()
    if old_path and old_path != institution.scope_path:
        propagate_scope(institution)
    return institution


def record_institution(
    *, user, institution: Institution, client_id: str = ""
) -> tuple[Institution, bool]:
    """A new institution or venue, made at most once per ``client_id`` (the field app's own
    id of a venue registered on a phone): a replay answers the record already made, through
    the same checks as the registry form (``save_institution``). Returns
    ``(institution, created)``; the same id sent for another name or township is refused."""
    return create_once(
        model=Institution,
        user=user,
        instance=institution,
        client_id=client_id,
        save=lambda: save_institution(user=user, institution=institution),
        same=lambda existing: (
            existing.name == institution.name and existing.township_id == institution.township_id
        ),
        reused=lambda existing: (
            _(
                "This record's id was already used for %(name)s: it cannot register another "
                "venue. Record this one as a new venue."
            )
            % {"name": existing.name}
        ),
    )


@transaction.atomic
def archive_institution(*, user, institution: Institution, reason: str) -> Institution:
    """Take an institution off the active registry. Nothing is deleted; history keeps all."""
    _require_editor(user, institution)
    if not reason.strip():
        raise ValueError(_("Give a reason for archiving."))
    institution.archived_at = timezone.now()
    institution.archive_reason = reason.strip()
    institution._history_user = user
    institution._change_reason = reason.strip()
    institution.save()
    return institution


@transaction.atomic
def restore_institution(*, user, institution: Institution) -> Institution:
    _require_editor(user, institution)
    institution.archived_at = None
    institution.archive_reason = ""
    institution._history_user = user
    institution._change_reason = _("Restored")
    institution.save()
    return institution


# --- many institutions at once (the roster import) -------------------------------------------


def _load_units(institutions: list[Institution]) -> None:
    """Put the townships and villages the instances do not carry yet on them, in one query,
    so that the checks and the scope rule cost no query per institution."""
    township, village = Institution.township, Institution.village
    missing = {i.township_id for i in institutions if not township.is_cached(i)}
    missing |= {i.village_id for i in institutions if i.village_id and not village.is_cached(i)}
    missing.discard(None)
    if not missing:
        return
    units = OrgUnit.objects.in_bulk(missing)
    for institution in institutions:
        if institution.township_id in units and not township.is_cached(institution):
            institution.township = units[institution.township_id]
        if institution.village_id in units and not village.is_cached(institution):
            institution.village = units[institution.village_id]


def _validate(institutions: list[Institution]) -> None:
    """The model's own field and row rules, without a query per row: the units are loaded
    already, and a credit code used twice is refused by the database's constraint (an
    IntegrityError the caller reports) rather than by a query per row."""
    errors = []
    for institution in institutions:
        try:
            institution.full_clean(
                exclude=[
                    f.name
                    for f in Institution._meta.concrete_fields
                    if f.is_relation or not f.editable or f.auto_created
                ],
                validate_unique=False,
                validate_constraints=False,
            )
        except ValidationError as exc:
            errors += [f"{institution}: {message}" for message in exc.messages]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def save_institutions_bulk(
    *,
    user,
    created: Iterable[Institution] = (),
    updated: Iterable[Institution] = (),
    fields: Iterable[str] | None = None,
    reason: str = "",
) -> int:
    """Create ``created`` and update ``updated`` (their ``fields``; every editable field when
    None) in a constant number of queries, with one history row each naming ``user`` and
    ``reason``. Returns how many institutions were written.

    Every institution is validated and must be in the user's unit, as ``save_institution``
    asks of one; ``scope_path`` follows the model's one rule (``Institution.scope_source``),
    and an institution whose scope changed (moved to another township or village) takes its
    records along (``propagate_scope``). All or nothing: one refused institution refuses
    them all.
    """
    created, updated = list(created), list(updated)
    if any(i.pk is not None for i in created) or any(i.pk is None for i in updated):
        raise ValueError("created holds new institutions, updated saved ones")
    everything = created + updated
    if not everything:
        return 0
    _require_editor(user)
    _load_units(everything)
    for institution in everything:
        _require_editor(user, institution)
    if not user.is_superuser and any(
        user.unit is None or not i.scope_path.startswith(user.unit.path) for i in updated
    ):
        # An institution of another area is not the user's to change, nor to move into theirs.
        raise PermissionDenied(_("This institution is outside your unit."))
    _validate(everything)
    now = timezone.now()
    moved = []
    for institution in everything:
        old_path = institution.scope_path
        institution.scope_path = institution.scope_source()
        institution.updated_at = now
        if institution.pk is not None and old_path and old_path != institution.scope_path:
            moved.append(institution)
    for institution in created:
        institution.created_by = user
    reason = reason[:CHANGE_REASON_LENGTH] or None
    if created:
        bulk_create_with_history(
            created,
            Institution,
            batch_size=BULK_BATCH_SIZE,
            default_user=user,
            default_change_reason=reason,
        )
    if updated:
        if fields is None:
            fields = [
                f.name
                for f in Institution._meta.concrete_fields
                if f.editable and not f.primary_key and f.name != "created_by"
            ]
        fields = set(fields)
        if fields & {"township", "village"}:
            # The village belongs to its township: a new township takes a new village or none.
            fields |= {"township", "village"}
        bulk_update_with_history(
            updated,
            Institution,
            sorted(fields | {"scope_path", "updated_at"}),
            batch_size=BULK_BATCH_SIZE,
            default_user=user,
            default_change_reason=reason,
        )
    # One set of updates per moved institution: moves are rare (a roster correcting a
    # township), and each must carry its own visits, records and their photos along.
    for institution in moved:
        propagate_scope(institution)
    return len(everything)
