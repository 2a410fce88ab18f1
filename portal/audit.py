"""The audit log: who changed what, when, to which record, across every history table.

Every model with django-simple-history and a ``visible_to`` scoping method is an audit *kind*
(found at start-up, so a new audited model appears without a change here): the scoped
records (``scope_path``), and the accounts and units themselves (a unit's ``path``, a
user's unit's path), so the county section sees who changed a colleague's role or renamed a
village as it sees a change to an institution. The page reads one UNION
ALL of the history tables, ordered by date and cut to a page in the database; the page's
rows are then completed with one query per kind present on it (the record and the one before
it, for the differences), one for users and one for institutions: the number of queries
does not grow with the number of rows.

Scoping goes through each model's ``visible_to(user)``: a history row is shown when its
record is visible to the user. History tables do not copy ``scope_path``; when the record
was deleted, the row is shown when the institution (or unit) it named is visible.
"""

import functools
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date

from django.core.paginator import Paginator
from django.db import models
from django.db.models import Exists, F, OuterRef, Q, Value
from django.db.models.functions import Cast
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import registered_models

from accounts.models import OrgUnit, User
from core.exports import in_chunks
from core.history import display_value
from core.masking import show_id_number, show_phone

PAGE_SIZE = 50

# Pages that show a record of a kind that has no get_absolute_url of its own.
DETAIL_URLS = {
    "screening.ScreeningVisit": "screening:visit_detail",
    "screening.Lead": "screening:lead_detail",
}

HISTORY_TYPES = {"+": _("Created"), "~": _("Changed"), "-": _("Deleted")}


@dataclass(frozen=True)
class AuditKind:
    """One audited model: its live model, its history model and how to scope deleted rows."""

    model: type[models.Model]

    @property
    def code(self) -> str:
        return self.model._meta.label

    @property
    def history_model(self):
        return self.model.history.model

    @property
    def label(self) -> str:
        return str(self.model._meta.verbose_name)

    @property
    def section(self) -> str:
        from django.apps import apps

        return str(apps.get_app_config(self.model._meta.app_label).verbose_name)

    def _has(self, name: str) -> bool:
        return any(f.name == name for f in self.model._meta.concrete_fields)

    @property
    def path_field(self) -> str | None:
        """The lookup of the materialised path a record is scoped by."""
        return path_field_of(self.model)

    @property
    def institution_lookup(self) -> str | None:
        """The history column naming the institution the record belongs to."""
        if self.model._meta.label == "institutions.Institution":
            return "id"
        return "institution_id" if self._has("institution") else None

    @property
    def unit_lookup(self) -> str | None:
        for name in ("township", "unit", "parent"):
            if self._has(name):
                return f"{name}_id"
        return None

    def scope(self, user, prefix: str | None) -> Q:
        """History rows of records the user sees (within ``prefix``, a unit's path, if given)."""
        live = self.model._default_manager.visible_to(user).filter(pk=OuterRef("id"))
        if prefix:
            live = live.filter(**{f"{self.path_field}__startswith": prefix})
        visible = Q(Exists(live))
        gone = ~Exists(self.model._base_manager.filter(pk=OuterRef("id")))
        if self.institution_lookup and self.institution_lookup != "id":
            from institutions.models import Institution

            owner = Institution.objects.visible_to(user).filter(
                pk=OuterRef(self.institution_lookup)
            )
            if prefix:
                owner = owner.filter(scope_path__startswith=prefix)
            visible |= Q(gone & Exists(owner))
        elif self.unit_lookup:
            owner = OrgUnit.objects.visible_to(user).filter(pk=OuterRef(self.unit_lookup))
            if prefix:
                owner = owner.filter(path__startswith=prefix)
            visible |= Q(gone & Exists(owner))
        return visible

    def detail_url(self, instance) -> str:
        name = DETAIL_URLS.get(self.code)
        try:
            if name:
                return reverse(name, args=[instance.pk])
            if hasattr(instance, "get_absolute_url"):
                return instance.get_absolute_url()
        except NoReverseMatch:
            pass
        institution_id = getattr(instance, "institution_id", None)
        return reverse("institutions:detail", args=[institution_id]) if institution_id else ""


def path_field_of(model) -> str | None:
    names = {f.name for f in model._meta.concrete_fields}
    if "scope_path" in names:
        return "scope_path"
    if model is OrgUnit:
        return "path"
    if model is User:
        return "unit__path"
    return None


def _discover() -> dict[str, AuditKind]:
    kinds = {}
    for model in registered_models.values():
        if path_field_of(model) and hasattr(model._default_manager, "visible_to"):
            kind = AuditKind(model)
            kinds[kind.code] = kind
    return dict(sorted(kinds.items()))


@functools.cache
def audit_kinds() -> dict[str, AuditKind]:
    return _discover()


@dataclass
class Change:
    label: str
    old: str
    new: str


@dataclass
class AuditEntry:
    kind: AuditKind
    history_id: int
    object_id: int
    history_date: object
    history_type: str
    user_id: int | None = None
    institution_id: int | None = None
    user: User | None = None
    record_label: str = ""
    url: str = ""
    institution: str = ""
    reason: str = ""
    changes: list[Change] = field(default_factory=list)

    @property
    def action(self) -> str:
        return str(HISTORY_TYPES.get(self.history_type, self.history_type))


@dataclass(frozen=True)
class AuditFilter:
    user_id: int | None = None
    kinds: tuple[str, ...] = ()
    date_from: date | None = None
    date_to: date | None = None
    township: OrgUnit | None = None
    history_type: str = ""


COLUMNS = ("a_kind", "a_hid", "a_oid", "a_date", "a_type", "a_user", "a_inst", "a_reason")


def _kind_rows(kind: AuditKind, user, filters: AuditFilter):
    prefix = filters.township.path if filters.township else None
    queryset = kind.history_model.objects.filter(kind.scope(user, prefix))
    if filters.user_id:
        queryset = queryset.filter(history_user_id=filters.user_id)
    if filters.date_from:
        queryset = queryset.filter(history_date__date__gte=filters.date_from)
    if filters.date_to:
        queryset = queryset.filter(history_date__date__lte=filters.date_to)
    if filters.history_type:
        queryset = queryset.filter(history_type=filters.history_type)
    # An explicit NULL::bigint: PostgreSQL types a bare NULL as text, and a UNION that
    # starts with a kind without an institution (the accounts) would not match the rest.
    institution = (
        F(kind.institution_lookup)
        if kind.institution_lookup
        else Cast(Value(None), output_field=models.BigIntegerField())
    )
    return (
        queryset.annotate(
            a_kind=Value(kind.code, output_field=models.CharField()),
            a_hid=F("history_id"),
            a_oid=F("id"),
            a_date=F("history_date"),
            a_type=F("history_type"),
            a_user=F("history_user_id"),
            a_inst=institution,
            a_reason=F("history_change_reason"),
        )
        .order_by()
        .values_list(*COLUMNS)
    )


def audit_rows(user, filters: AuditFilter):
    """One UNION ALL of the scoped history tables, newest first (rows are value tuples)."""
    kinds = audit_kinds()
    chosen = [kinds[code] for code in filters.kinds if code in kinds] or list(kinds.values())
    parts = [_kind_rows(kind, user, filters) for kind in chosen]
    first, *others = parts
    combined = first.union(*others, all=True) if others else first
    return combined.order_by("-a_date", "-a_hid")


def _mask(field_name: str, value: str, user) -> str:
    if "id_number" in field_name:
        return show_id_number(value, user)
    if "phone" in field_name:
        return show_phone(value, user)
    return value


def _display(model_field, value, user) -> str:
    text = display_value(model_field, value)
    if text == "—" or model_field.choices or isinstance(model_field, models.BooleanField):
        return text
    text = _mask(model_field.name, text, user)
    return text if len(text) <= 80 else text[:79] + "…"


def _differences(kind: AuditKind, record, previous, user) -> list[Change]:
    if previous is None:
        return []
    excluded = {"id", "scope_path", "updated_at", "created_at", "password", "last_login", "path"}
    changes = []
    for f in kind.model._meta.concrete_fields:
        if f.name in excluded or not f.editable:
            continue
        old, new = getattr(previous, f.attname, None), getattr(record, f.attname, None)
        if old == new:
            continue
        # A link names its field only (the other record has its own entries); a structured
        # value (a pack's file list, its reconciliation) is machine data, not words for a
        # person: the entry says that it changed, not its keys.
        if isinstance(f, (models.ForeignKey, models.JSONField)):
            changes.append(Change(str(f.verbose_name), "", ""))
        else:
            changes.append(
                Change(str(f.verbose_name), _display(f, old, user), _display(f, new, user))
            )
    return changes


def complete(entries: list[AuditEntry], user) -> None:
    """Fill the page's entries: user, record label, link and differences (queries per kind)."""
    from institutions.models import Institution

    user_ids = {e.user_id for e in entries if e.user_id}
    users = User.objects.select_related("unit").in_bulk(user_ids) if user_ids else {}
    institution_ids = {e.institution_id for e in entries if e.institution_id}
    institutions = (
        dict(Institution._base_manager.filter(pk__in=institution_ids).values_list("pk", "name"))
        if institution_ids
        else {}
    )
    by_kind: dict[str, list[AuditEntry]] = {}
    for entry in entries:
        by_kind.setdefault(entry.kind.code, []).append(entry)
        entry.user = users.get(entry.user_id)
        entry.institution = institutions.get(entry.institution_id, "")
    for group in by_kind.values():
        kind = group[0].kind
        history = kind.history_model.objects
        wanted = [e.history_id for e in group]
        previous_id = (
            history.filter(id=OuterRef("id"), history_id__lt=OuterRef("history_id"))
            .order_by("-history_id")
            .values("history_id")[:1]
        )
        previous_ids = (
            history.filter(history_id__in=wanted)
            .annotate(previous=models.Subquery(previous_id))
            .values("previous")
        )
        records = history.filter(Q(history_id__in=wanted) | Q(history_id__in=previous_ids))
        rows = sorted(records, key=lambda r: r.history_id)
        by_history_id = {r.history_id: r for r in rows}
        last_before: dict[int, object] = {}
        previous_of: dict[int, object] = {}
        for row in rows:
            previous_of[row.history_id] = last_before.get(row.id)
            last_before[row.id] = row
        for entry in group:
            record = by_history_id.get(entry.history_id)
            if record is None:
                continue
            # Not ``record.instance``: it reads the excluded fields back, one query per row.
            instance = kind.model(
                **{
                    f.attname: getattr(record, f.attname)
                    for f in kind.model._meta.concrete_fields
                    if hasattr(record, f.attname)
                }
            )
            name = getattr(record, "name", "") or getattr(record, "username", "") or ""
            entry.record_label = f"{kind.label} · {name}" if name else f"{kind.label} #{record.id}"
            if not entry.institution and kind.institution_lookup == "id":
                entry.institution = name
            entry.url = kind.detail_url(instance) if entry.history_type != "-" else ""
            entry.changes = _differences(kind, record, previous_of.get(record.history_id), user)


def audit_page(user, filters: AuditFilter, page_number=1, per_page: int = PAGE_SIZE):
    """A page of the audit log: ``(page, entries)``."""
    paginator = Paginator(audit_rows(user, filters), per_page)
    page = paginator.get_page(page_number)
    return page, _entries(page, user)


def audit_entries(user, filters: AuditFilter) -> Iterator[AuditEntry]:
    """Every entry the filters select, newest first, completed a chunk at a time (the export:
    the queries grow with the chunks, not with the rows)."""
    for chunk in in_chunks(audit_rows(user, filters)):
        yield from _entries(chunk, user)


def _entries(rows, user) -> list[AuditEntry]:
    kinds = audit_kinds()
    entries = [
        AuditEntry(
            kind=kinds[code],
            history_id=hid,
            object_id=oid,
            history_date=when,
            history_type=kind_of_change,
            user_id=user_id,
            institution_id=institution_id,
            reason=reason or "",
        )
        for code, hid, oid, when, kind_of_change, user_id, institution_id, reason in rows
    ]
    complete(entries, user)
    return entries
