"""Matching imported outside records (lawsuits, blacklists, complaints, shared lists) to the
registry, and a person's confirmation or rejection of an uncertain match.

The rule (三看公安、市场监管等部门的共享信息, district §二(二)一, as docs/policy-trace.md
traces it): an ID number or a credit code identifies its holder, so a record whose 身份证号 is
a Person's, or whose 统一社会信用代码 is an Institution's, is *matched* at once. Otherwise the
normalised name is compared: a name only suggests who it is, so the record is *pending* until
someone in the county section confirms or rejects it; a pending match does not count for the
rating (``MatchedRecord.counts``). No candidate at all leaves it *unmatched* (for a shared
list: a candidate to verify as 未登记 or 登记未备案).

A name borne by several candidates stays pending without a candidate: the person who
confirms it chooses among them (the confirm form lists them), so the system never guesses.
Candidates that cannot be the subject are left out: a person whose own ID number differs
from the record's, an institution whose own credit code differs from the record's, and
persons for a record that carries a credit code (an organisation) or institutions for one
that carries an ID number (a person).

Matching is set-based: the registry keys for a whole batch are loaded in two queries.
Only the registry the importing user sees is searched (``visible_to``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from institutions.models import Institution

from ..models import MatchStatus, Person, SharedListEntry
from ..models.people import normalise_name
from ..selectors.outside import MATCH_KINDS


def kind_of(record) -> str:
    for kind, (model, _label) in MATCH_KINDS.items():
        if isinstance(record, model):
            return kind
    raise ValueError(record)


def matches_persons(record) -> bool:
    """Shared lists name organisations (enterprises, venues); the others any subject."""
    return not isinstance(record, SharedListEntry)


@dataclass
class Registry:
    """The registry keys a set of records needs, loaded once."""

    institutions_by_code: dict[str, Institution] = field(default_factory=dict)
    institutions_by_name: dict[str, list[Institution]] = field(default_factory=dict)
    persons_by_id: dict[str, Person] = field(default_factory=dict)
    persons_by_name: dict[str, list[Person]] = field(default_factory=dict)

    @classmethod
    def load(cls, user, *, id_numbers=(), names=(), persons=True) -> Registry:
        """Institutions the user sees (one query: every visible one, because names are
        compared normalised) and the persons with one of the ID numbers or names given."""
        registry = cls()
        institutions = Institution.objects.visible_to(user).only(
            "pk", "name", "credit_code", "scope_path", "township_id", "archived_at"
        )
        for institution in institutions:
            if institution.credit_code:
                registry.institutions_by_code[institution.credit_code] = institution
            registry.institutions_by_name.setdefault(normalise_name(institution.name), []).append(
                institution
            )
        id_numbers = {n for n in id_numbers if n}
        names = {n for n in names if n}
        if persons and (id_numbers or names):
            for person in Person.objects.visible_to(user).filter(
                Q(id_number__in=id_numbers) | Q(normalised_name__in=names)
            ):
                if person.id_number:
                    registry.persons_by_id[person.id_number] = person
                registry.persons_by_name.setdefault(person.normalised_name, []).append(person)
        return registry

    @classmethod
    def for_records(cls, user, records) -> Registry:
        records = list(records)
        return cls.load(
            user,
            id_numbers={r.id_number for r in records},
            names={normalise_name(r.subject_name) for r in records},
            persons=any(matches_persons(r) for r in records),
        )

    def candidates(self, record) -> list[Institution | Person]:
        """Registry rows whose normalised name is the record's, minus those that cannot be it."""
        name = normalise_name(record.subject_name)
        found: list[Institution | Person] = []
        if not record.id_number:
            found += [
                i
                for i in self.institutions_by_name.get(name, ())
                if not (
                    record.credit_code and i.credit_code and i.credit_code != record.credit_code
                )
            ]
        if matches_persons(record) and not record.credit_code:
            found += [
                p
                for p in self.persons_by_name.get(name, ())
                if not (record.id_number and p.id_number and p.id_number != record.id_number)
            ]
        return found


def match_record(record, registry: Registry) -> None:
    """Set ``match_status``, ``person``, ``institution`` and ``scope_path`` in memory."""
    record.person = record.institution = None
    person = registry.persons_by_id.get(record.id_number) if record.id_number else None
    if person is not None and matches_persons(record):
        record.person = person
    institution = (
        registry.institutions_by_code.get(record.credit_code) if record.credit_code else None
    )
    if institution is not None:
        record.institution = institution
    if record.person is not None or record.institution is not None:
        record.match_status = MatchStatus.MATCHED
    else:
        candidates = registry.candidates(record)
        if len(candidates) == 1:
            _set_candidate(record, candidates[0])
        record.match_status = MatchStatus.PENDING if candidates else MatchStatus.UNMATCHED
    record.normalised_name = normalise_name(record.subject_name)
    # bulk_create skips save(): the scope follows the matched institution here.
    record.scope_path = record.scope_source()


def match_records(records, *, user, registry: Registry | None = None) -> Registry:
    """Match unsaved (or saved) records in memory; the caller writes them in bulk."""
    records = list(records)
    registry = registry or Registry.for_records(user, records)
    for record in records:
        match_record(record, registry)
    return registry


def _set_candidate(record, candidate):
    if isinstance(candidate, Person):
        record.person, record.institution = candidate, None
    else:
        record.institution, record.person = candidate, None


def candidate_value(candidate) -> str:
    """How a candidate is named in the confirm form: "institution:12" or "person:7"."""
    prefix = "person" if isinstance(candidate, Person) else "institution"
    return f"{prefix}:{candidate.pk}"


def candidates_for(records, *, user) -> dict[int, list]:
    """{record pk: its name candidates} for a page of pending records without a candidate."""
    records = [r for r in records if r.person_id is None and r.institution_id is None]
    if not records:
        return {}
    registry = Registry.for_records(user, records)
    return {r.pk: registry.candidates(r) for r in records}


# --- confirmation by a person ---------------------------------------------------------------


def _require_reviewer(user, record):
    if not user.can_review:
        raise PermissionDenied(_("Only the county section confirms or rejects matches."))
    if not type(record).objects.visible_to(user).filter(pk=record.pk).exists():
        raise PermissionDenied(_("This record is outside your unit."))


def _require_pending(record):
    if record.match_status != MatchStatus.PENDING:
        raise ValidationError(
            _("This match is no longer waiting for confirmation (%(status)s).")
            % {"status": record.get_match_status_display()}
        )


@transaction.atomic
def confirm_match(*, user, record, candidate: str = ""):
    """A person confirms a name match; it counts from now on. The history names ``user``.

    Without a candidate on the record (several bore the name), ``candidate`` chooses one
    of them ("institution:<pk>" or "person:<pk>").
    """
    _require_reviewer(user, record)
    _require_pending(record)
    if record.person_id is None and record.institution_id is None:
        options = {
            candidate_value(c): c for c in Registry.for_records(user, [record]).candidates(record)
        }
        if candidate not in options:
            raise ValidationError(_("Choose which institution or person this record is about."))
        _set_candidate(record, options[candidate])
    record.match_status = MatchStatus.CONFIRMED
    record.matched_by = user
    record.matched_at = timezone.now()
    record._history_user = user
    record._change_reason = _("Match confirmed")
    record.save()  # ScopedModel.save: the scope follows the confirmed institution
    return record


@transaction.atomic
def reject_match(*, user, record):
    """A person rejects a name match: the candidate is cleared and it never counts."""
    _require_reviewer(user, record)
    _require_pending(record)
    record.person = None
    record.institution = None
    record.match_status = MatchStatus.REJECTED
    record.matched_by = None
    record.matched_at = None
    record._history_user = user
    record._change_reason = _("Match rejected")
    record.save()
    return record
