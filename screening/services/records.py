"""Writes to an institution's records: prepayments, persons and roles, branches,
registration changes, related companies, assets and liabilities; and the workbook that
exports the prepayment records (``selectors.records.prepayments_for_export`` reads them).

Changes of legal representative and of registered address are facts the rating counts
(区县方案: 频繁变更法定代表人、登记注册地), so they are recorded here as a consequence of what
happened (a new legal representative, a new address), never typed as a number. Township
staff never delete: roles end, branches close; the county section may delete a wrong entry
and the history keeps it.
"""

import io
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from accounts.models import OrgUnit, path_ids
from core.masking import show_id_number, show_phone
from institutions.models import Institution

from ..models import (
    ChangeKind,
    Person,
    PersonChangeProposal,
    PersonRole,
    PersonRoleKind,
    PrepaymentRecord,
    ProposalStatus,
    RegistrationChange,
)
from ..models.people import normalise_name
from .visits import in_scope

HISTORY_REASON_LENGTH = 100
# The source written on changes the system records by itself.
AUTOMATIC_SOURCE = "系统根据人员任职记录生成"
ADDRESS_SOURCE = "系统根据登记注册地变更生成"


def require_editor(user, institution: Institution):
    if not user.can_edit_registry:
        raise PermissionDenied(_("Your role does not allow this."))
    if not in_scope(user, institution):
        raise PermissionDenied(_("This institution is outside your unit."))


def _reason(text: str) -> str:
    return text[:HISTORY_REASON_LENGTH]


@transaction.atomic
def save_record(*, user, record, reason: str = ""):
    """Create or update one of the institution's records after validation."""
    require_editor(user, record.institution)
    record.full_clean()
    if record.pk is None:
        record.created_by = user
    record._history_user = user
    if reason:
        record._change_reason = _reason(reason)
    record.save()
    return record


@transaction.atomic
def delete_record(*, user, record):
    """The county section deletes a wrong entry; the history keeps a copy and who did it."""
    if not user.can_review:
        raise PermissionDenied(_("Only the county section deletes a wrong entry."))
    if not in_scope(user, record.institution):
        raise PermissionDenied(_("This institution is outside your unit."))
    if isinstance(record, PrepaymentRecord) and record.refunds.exists():
        # The refunds paid on it are money that went back to an elder: they stay.
        raise ValidationError(
            _(
                "Refunds are recorded on this payment: it cannot be deleted. Correct it, or "
                "reverse its refunds on the refund page first."
            )
        )
    record._history_user = user
    record._change_reason = _("Deleted as a wrong entry")
    record.delete()


# --- persons and roles -------------------------------------------------------------------


def _not_in_future(value: date | None, field: str):
    if value and value > timezone.localdate():
        raise ValidationError({field: _("The date cannot be in the future.")})


# --- persons shared across units (issue 19, finding 1) ---------------------------------------
#
# A person is one record wherever they hold roles (the same ID number, the same person), so
# that a legal representative sued in one county counts in another. What a unit may change
# about a person is limited to what it holds: a person with roles (or recorded) outside the
# user's subtree is renamed or re-contacted only by the unit that sees all of them. And no
# answer may tell a unit whether an ID number exists outside its subtree.


def _outside_paths(user, person: Person) -> list[str]:
    """The scope paths of the person's record and roles that lie outside the user's subtree."""
    if user.is_superuser:
        return []
    prefix = user.unit.path if user.unit_id else "/"
    paths = set(PersonRole.objects.filter(person=person).values_list("scope_path", flat=True))
    paths.add(person.scope_path)
    return sorted(p for p in paths if p and not p.startswith(prefix))


def unit_seeing_all(paths: list[str]) -> OrgUnit | None:
    """The lowest unit whose subtree holds every one of ``paths`` (materialised paths)."""
    common: list[int] = []
    for ids in zip(*(path_ids(p) for p in paths), strict=False):
        if len(set(ids)) != 1:
            break
        common.append(ids[0])
    return OrgUnit.objects.filter(pk=common[-1]).first() if common else None


def _propose_shared_change(user, role: PersonRole, name: str, id_number: str, phone: str):
    """A correction of a person who also holds roles outside the user's subtree: kept as a
    proposal for the unit that sees all of them (None when the user sees them all)."""
    person = role.person
    outside = _outside_paths(user, person)
    if not outside:
        return None
    decider = unit_seeing_all([*outside, user.unit.path])
    if decider is None:
        raise ValidationError(
            {"person_name": _("Only the system administrator can correct this person.")}
        )
    # An earlier proposal still waiting is replaced, through save() so its history says so.
    for earlier in PersonChangeProposal.objects.select_for_update().filter(
        person=person, role=role, status=ProposalStatus.PENDING
    ):
        earlier.status = ProposalStatus.REJECTED
        earlier.decision_reason = _("Replaced by a newer proposal")
        earlier._history_user = user
        earlier.save()
    proposal = PersonChangeProposal(
        person=person,
        role=role,
        decider=decider,
        name=name,
        id_number=id_number,
        phone=phone,
        was_name=person.name,
        was_id_number=person.id_number,
        was_phone=person.phone,
        created_by=user,
    )
    try:
        proposal.full_clean(exclude=["decider_path", "scope_path"])
    except ValidationError as exc:
        raise ValidationError({f"person_{k}": v for k, v in exc.message_dict.items()}) from None
    proposal._history_user = user
    proposal.save()
    return proposal


def _release_number(id_number: str) -> None:
    """After a record stopped carrying ``id_number``: when every record left with it is
    marked disputed, the first of them is its holder now and loses the mark (listed no more
    among the disputed numbers). A consequence, not anyone's edit: the history gives the
    reason and no author (the record may belong to another unit)."""
    if not id_number:
        return
    left = list(Person.objects.select_for_update().filter(id_number=id_number).order_by("pk"))
    if left and all(record.id_number_disputed for record in left):
        holder = left[0]
        holder.id_number_disputed = False
        holder._change_reason = _("ID number no longer carried by another record")
        holder.save()


def _correct_person(user, person: Person, name: str, id_number: str, phone: str) -> None:
    """Write a correction of a person the user sees wholly (or whose proposal they accept)."""
    released = person.id_number if id_number != person.id_number else ""
    if id_number and id_number != person.id_number:
        # Only a person the user sees is named as the holder of the number; one outside
        # their subtree makes this record disputed, the same answer as an unknown number.
        if _visible_person_with_id(user, id_number, exclude_pk=person.pk) is not None:
            raise ValidationError(
                {"person_id_number": _("Another person is on record with this ID number.")}
            )
        person.id_number_disputed = (
            _hidden_person_with_id(user, id_number, exclude_pk=person.pk) is not None
        )
    elif not id_number:
        person.id_number_disputed = False
    person.name, person.id_number, person.phone = name, id_number, phone
    try:
        person.full_clean()
    except ValidationError as exc:
        raise ValidationError(
            {f"person_{k}": v for k, v in exc.message_dict.items() if k != "unit"}
        ) from None
    person._history_user = user
    person.save()
    _release_number(released)


def may_decide(user, proposal: PersonChangeProposal) -> bool:
    """The county section (or above) of the deciding unit, which sees all the roles."""
    return bool(
        user.is_authenticated
        and user.can_review
        and user.unit_id
        and proposal.decider_path.startswith(user.unit.path)
    )


@transaction.atomic
def decide_proposal(
    *, user, proposal: PersonChangeProposal, accept: bool, reason: str = ""
) -> PersonChangeProposal:
    """Accept (the correction is written, with the decider as its author) or reject (with a
    reason) a pending proposal."""
    proposal = PersonChangeProposal.objects.select_for_update().get(pk=proposal.pk)
    if not may_decide(user, proposal):
        raise PermissionDenied(_("Only the unit that sees all of this person's roles decides."))
    if proposal.status != ProposalStatus.PENDING:
        raise ValidationError(_("This proposal has already been decided."))
    reason = (reason or "").strip()
    if not accept and not reason:
        raise ValidationError({"reason": _("Give the reason for rejecting the proposal.")})
    if accept:
        person = Person.objects.select_for_update().get(pk=proposal.person_id)
        if (person.name, person.id_number, person.phone) != (
            proposal.was_name,
            proposal.was_id_number,
            proposal.was_phone,
        ):
            raise ValidationError(
                _(
                    "The person was changed after this proposal was made: reject it, and "
                    "the unit can propose again from what is on record now."
                )
            )
        person._change_reason = _reason(
            _("Correction proposed by %(unit)s") % {"unit": proposal.role.institution.township}
        )
        _correct_person(user, person, proposal.name, proposal.id_number, proposal.phone)
    proposal.status = ProposalStatus.ACCEPTED if accept else ProposalStatus.REJECTED
    proposal.decided_by, proposal.decided_at = user, timezone.now()
    proposal.decision_reason = reason[:255]
    proposal._history_user = user
    proposal.save()
    return proposal


def _visible_person_with_id(user, id_number: str, exclude_pk=None):
    found = Person.objects.visible_to(user).filter(id_number=id_number)
    if exclude_pk is not None:
        found = found.exclude(pk=exclude_pk)
    return found.first()


def _hidden_person_with_id(user, id_number: str, exclude_pk=None):
    """A person outside the user's subtree with this ID number: never named in an answer."""
    found = Person.objects.filter(id_number=id_number, id_number_disputed=False).exclude(
        pk__in=Person.objects.visible_to(user).values("pk")
    )
    if exclude_pk is not None:
        found = found.exclude(pk=exclude_pk)
    return found.first()


def find_or_create_person(*, user, institution, name: str, id_number: str = "", phone: str = ""):
    """The same person across institutions when the ID number matches; a new one otherwise.

    The answer is the same whether or not the number exists outside the user's subtree: a
    person there with the same name is linked (the same person; their record is not changed
    from here), one under another name is not revealed — a new record is kept beside it,
    marked ``id_number_disputed`` for the unit that sees both.
    """
    name = (name or "").strip()
    id_number = (id_number or "").strip().upper()
    phone = (phone or "").strip()
    if not name:
        raise ValidationError({"person_name": _("Give the person's name.")})
    disputed = False
    if id_number:
        hidden = _hidden_person_with_id(user, id_number)
        if hidden is not None and hidden.normalised_name == normalise_name(name):
            return hidden
        disputed = hidden is not None
        person = None if disputed else _visible_person_with_id(user, id_number)
        if person is not None:
            if person.normalised_name != normalise_name(name):
                raise ValidationError(
                    {
                        "person_id_number": _(
                            "This ID number is on record under another name: check the name "
                            "and the number."
                        )
                    }
                )
            if phone and not person.phone and not _outside_paths(user, person):
                person.phone = phone
                person._history_user = user
                person.save()
            return person
    person = Person(
        name=name,
        id_number=id_number,
        phone=phone,
        unit=institution.township,
        created_by=user,
        id_number_disputed=disputed,
    )
    try:
        person.full_clean()
    except ValidationError as exc:
        raise ValidationError(
            {f"person_{k}": v for k, v in exc.message_dict.items() if k != "unit"}
        ) from None
    person._history_user = user
    person.save()
    return person


@transaction.atomic
def add_person_role(
    *,
    user,
    institution: Institution,
    name: str,
    kind: str,
    id_number: str = "",
    phone: str = "",
    started_on: date | None = None,
    ended_on: date | None = None,
    share_percent=None,
) -> PersonRole:
    """Record that a person holds a role at the institution.

    A new current legal representative ends the current one's role on the new one's start
    date and records a change of legal representative (RegistrationChange), so that changes
    are counted from the roles rather than typed in. The institution's legal representative
    is updated to the new name.
    """
    require_editor(user, institution)
    _not_in_future(started_on, "started_on")
    _not_in_future(ended_on, "ended_on")
    person = find_or_create_person(
        user=user, institution=institution, name=name, id_number=id_number, phone=phone
    )
    role = PersonRole(
        institution=institution,
        person=person,
        kind=kind,
        started_on=started_on,
        ended_on=ended_on,
        share_percent=share_percent,
        created_by=user,
    )
    role.full_clean()
    if PersonRole.objects.filter(
        institution=institution, person=person, kind=kind, ended_on__isnull=True
    ).exists():
        raise ValidationError(_("This person already holds this role at the institution."))

    if kind == PersonRoleKind.LEGAL_REPRESENTATIVE and ended_on is None:
        _replace_legal_representative(user, institution, role)

    role._history_user = user
    role.save()
    return role


def _replace_legal_representative(user, institution, role):
    current = list(
        PersonRole.objects.select_for_update()
        .filter(
            institution=institution,
            kind=PersonRoleKind.LEGAL_REPRESENTATIVE,
            ended_on__isnull=True,
        )
        .select_related("person")
    )
    if current:
        if role.started_on is None:
            raise ValidationError(
                {
                    "started_on": _(
                        "Give the date the new legal representative took office: the current "
                        "one's role ends on it."
                    )
                }
            )
        for old in current:
            if old.started_on and old.started_on > role.started_on:
                raise ValidationError(
                    {
                        "started_on": _(
                            "The current legal representative (%(name)s) took office on "
                            "%(date)s, after this date."
                        )
                        % {"name": old.person.name, "date": old.started_on.isoformat()}
                    }
                )
        for old in current:
            old.ended_on = role.started_on
            old._history_user = user
            old._change_reason = _reason(
                _("Replaced as legal representative by %(name)s") % {"name": role.person.name}
            )
            old.save()
        change = RegistrationChange(
            institution=institution,
            kind=ChangeKind.LEGAL_REPRESENTATIVE,
            changed_on=role.started_on,
            old_value="、".join(old.person.name for old in current)[:255],
            new_value=role.person.name,
            source=AUTOMATIC_SOURCE,
            created_by=user,
        )
        change.full_clean()
        change._history_user = user
        change.save()
    if institution.legal_representative != role.person.name:
        institution.legal_representative = role.person.name
        institution._history_user = user
        institution._change_reason = _reason(_("New legal representative recorded"))
        institution.save()


@transaction.atomic
def update_person_role(
    *,
    user,
    role: PersonRole,
    name: str,
    id_number: str = "",
    phone: str = "",
    started_on: date | None = None,
    ended_on: date | None = None,
    share_percent=None,
) -> PersonRole:
    """Correct a role's dates or share, or the person's name, ID number and phone; ending a
    role is setting its end date (roles are never deleted by township staff)."""
    require_editor(user, role.institution)
    _not_in_future(started_on, "started_on")
    _not_in_future(ended_on, "ended_on")
    person = role.person
    name = (name or "").strip()
    id_number = (id_number or "").strip().upper()
    phone = (phone or "").strip()
    if not name:
        raise ValidationError({"person_name": _("Give the person's name.")})
    role.proposal = None
    if (name, id_number, phone) != (person.name, person.id_number, person.phone):
        # Someone else's person too: the correction waits for the unit that sees them all.
        role.proposal = _propose_shared_change(user, role, name, id_number, phone)
        if role.proposal is None:
            _correct_person(user, person, name, id_number, phone)
    role.started_on, role.ended_on, role.share_percent = started_on, ended_on, share_percent
    role.full_clean()
    role._history_user = user
    role.save()
    return role


# --- registration changes ----------------------------------------------------------------


@transaction.atomic
def record_registration_change(*, user, change: RegistrationChange) -> RegistrationChange:
    """Record a change of registration. A change of registered address that is the latest
    one also moves the institution's registered address (the old one is kept on the change).
    Changes of legal representative come from the roles (``add_person_role``)."""
    institution = change.institution
    require_editor(user, institution)
    if change.pk is None and change.kind == ChangeKind.LEGAL_REPRESENTATIVE:
        raise ValidationError(
            {
                "kind": _(
                    "A change of legal representative is recorded by adding the new legal "
                    "representative under persons and roles."
                )
            }
        )
    if change.kind == ChangeKind.REGISTERED_ADDRESS:
        if not (change.new_value or "").strip():
            raise ValidationError({"new_value": _("Give the new registered address.")})
        if change.pk is None and not change.old_value:
            change.old_value = institution.registered_address
    change = save_record(user=user, record=change)
    if change.kind == ChangeKind.REGISTERED_ADDRESS:
        latest = (
            RegistrationChange.objects.filter(
                institution=institution, kind=ChangeKind.REGISTERED_ADDRESS
            )
            .order_by("-changed_on", "-pk")
            .first()
        )
        if latest.pk == change.pk and institution.registered_address != change.new_value:
            institution.registered_address = change.new_value
            institution._history_user = user
            institution._change_reason = _reason(_("Change of registered address recorded"))
            institution.save()
    return change


@transaction.atomic
def record_address_change(
    *, user, institution: Institution, new_address: str, changed_on: date, source: str = ""
) -> RegistrationChange | None:
    """A new registered address: the institution takes it and a RegistrationChange records
    the old and the new (None when the address did not change)."""
    new_address = (new_address or "").strip()
    if new_address == institution.registered_address:
        return None
    change = RegistrationChange(
        institution=institution,
        kind=ChangeKind.REGISTERED_ADDRESS,
        changed_on=changed_on,
        old_value=institution.registered_address,
        new_value=new_address,
        source=source or ADDRESS_SOURCE,
    )
    return record_registration_change(user=user, change=change)


# --- export ------------------------------------------------------------------------------

HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
THIN = Side(style="thin", color="999999")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)


def text_cell(sheet, row, column, value):
    """Write ``value`` as text: whatever a user typed never becomes a formula."""
    cell = sheet.cell(row=row, column=column, value="" if value is None else str(value))
    cell.data_type = "s"
    return cell


def prepayment_columns():
    """(header, width, value(record, user), kind) — the headers are those the prepayment
    import reads, so that an export by a role that sees personal data can be re-imported."""
    yes, no = _("Yes"), _("No")
    return [
        ("机构名称", 24, lambda r, u: r.institution.name, "text"),
        ("统一社会信用代码", 22, lambda r, u: r.institution.credit_code, "text"),
        ("缴费人", 12, lambda r, u: r.payer_name, "text"),
        ("身份证号", 22, lambda r, u: show_id_number(r.payer_id_number, u), "text"),
        ("联系电话", 16, lambda r, u: show_phone(r.payer_phone, u), "text"),
        ("预付费类型", 14, lambda r, u: r.get_kind_display(), "text"),
        ("金额（元）", 14, lambda r, u: r.amount, "money"),
        ("缴费日期", 12, lambda r, u: r.paid_on, "date"),
        ("月收费标准（元）", 16, lambda r, u: r.monthly_fee, "money"),
        ("预付月数", 10, lambda r, u: r.months_covered, "number"),
        ("已退还金额（元）", 16, lambda r, u: r.refunded_amount, "money"),
        ("退还日期", 12, lambda r, u: r.last_refunded_on, "date"),
        ("未退还金额（元）", 16, lambda r, u: r.outstanding, "money"),
        ("是否承诺回报", 12, lambda r, u: yes if r.promised_return else no, "text"),
        ("承诺回报内容", 20, lambda r, u: r.promised_return_note, "text"),
        ("备注", 24, lambda r, u: r.notes, "text"),
    ]


def prepayments_workbook(*, institution: Institution, records, user) -> bytes:
    """The institution's prepayment records as .xlsx; ID numbers and phones masked for
    roles that do not need them."""
    columns = prepayment_columns()
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "预付费记录"
    title = text_cell(sheet, 1, 1, f"{institution.name} 预付费记录")
    title.font = Font(bold=True, size=14)
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(columns))
    text_cell(
        sheet,
        2,
        1,
        _("Exported on %(date)s by %(user)s")
        % {"date": timezone.localdate().isoformat(), "user": user.display_name},
    )
    sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=len(columns))
    header_row = 3
    for index, (header, width, _value, _kind) in enumerate(columns, start=1):
        cell = text_cell(sheet, header_row, index, header)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.border = BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        sheet.column_dimensions[get_column_letter(index)].width = width
    row = header_row
    for row, record in enumerate(records, start=header_row + 1):
        for index, (_header, _width, value, kind) in enumerate(columns, start=1):
            content = value(record, user)
            if kind == "text":
                cell = text_cell(sheet, row, index, content)
            else:
                cell = sheet.cell(row=row, column=index, value=content)
                if kind == "money":
                    cell.number_format = "#,##0.00"
                elif kind == "date":
                    cell.number_format = "yyyy-mm-dd"
            cell.border = BORDER
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)
    sheet.auto_filter.ref = f"A{header_row}:{get_column_letter(len(columns))}{max(row, header_row)}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.print_title_rows = f"{header_row}:{header_row}"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
