"""Reading records as they stood at a cut-off, from what the project already keeps.

A weekly pack is computed as of one moment, its week's deadline (``reporting.periods``), so
that rebuilding it any day later gives the same figures. Three kinds of evidence say what
stood at that moment:

- when a record was entered: ``created_at`` (``recorded_by``); a record entered after the
  cut-off did not exist then, whatever date it carries;
- the dates a record carries (visited on, refunded on, …): the callers' windows;
- the history kept by django-simple-history: a field of a record changed after the
  cut-off is read from the record's latest history row at or before it (``value_as_of``).

``value_as_of`` (a value to print) and ``as_of_q`` (a condition) work on the live table, so
the queries keep their shape and cost: the history is read only for the few records
changed since the cut-off, and not at all for a model none of whose records changed since
(``changed_since``: at a pack's own deadline, nothing has). A record changed after the
cut-off that has no history row at or before it (written in bulk without history) keeps
its live value: nothing older is known.

``cutoff`` None everywhere means "now": the live rows, unfiltered, so that a page and a pack
built now call the same selector and show the same figure.
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import Case, Exists, F, OuterRef, Q, Subquery, When


def recorded_by(cutoff: datetime | None, field: str = "created_at") -> Q:
    """Entered at or before ``cutoff`` (everything when None)."""
    if cutoff is None:
        return Q()
    return Q(**{f"{field}__lte": cutoff})


def history_of(model):
    """The historical model's rows (``Model.history`` as a plain queryset)."""
    return model.history.model._default_manager.all()


def changed_after(model, cutoff: datetime):
    """Ids of the records of ``model`` with a history row after ``cutoff``, for ``pk__in``."""
    return history_of(model).filter(history_date__gt=cutoff).order_by().values("id")


def changed_since(model, cutoff: datetime) -> bool:
    """Whether any record of ``model`` changed after ``cutoff`` (one indexed look-up). When
    none did, as at a pack's own deadline, the live columns are the values then and the
    queries keep their plain form."""
    return history_of(model).filter(history_date__gt=cutoff).exists()


def value_as_of(model, name: str, cutoff: datetime | None, outer: str = "pk"):
    """The field ``name`` (an attname: ``status``, ``township_id``) of a ``model`` row as it
    stood at ``cutoff``; ``outer`` names the row's id in the query (``pk`` on ``model``
    itself, ``institution_id`` on a table that points at it)."""
    if cutoff is None or not changed_since(model, cutoff):
        return F(name) if outer == "pk" else F(_related(outer, name))
    return value_then(model, name, cutoff, outer)


def value_then(model, name: str, cutoff: datetime, outer: str = "pk"):
    """``value_as_of`` for a caller that has asked ``changed_since`` itself, once for several
    queries, and had yes: the value from the history for the records changed since the
    cut-off, the live column for the others."""
    live = F(name) if outer == "pk" else F(_related(outer, name))
    field = model._meta.get_field(name)
    if field.is_relation:
        field = field.target_field
    then = (
        history_of(model)
        .filter(id=OuterRef(outer), history_date__lte=cutoff)
        .order_by("-history_date", "-history_id")
    )
    return Case(
        When(
            Q(**{f"{outer}__in": changed_after(model, cutoff)}) & Q(Exists(then)),
            then=Subquery(then.values(name)[:1], output_field=field),
        ),
        default=live,
        output_field=field,
    )


def _related(outer: str, name: str) -> str:
    # ``institution_id`` + ``archived_at`` -> ``institution__archived_at``
    base = outer.removesuffix("__id") if outer.endswith("__id") else outer.removesuffix("_id")
    return f"{base}__{name}"


def active_at(cutoff: datetime | None, model, outer: str = "pk") -> Q:
    """Not archived at ``cutoff`` (a model with an ``archived_at`` timestamp and a history,
    e.g. the registry): not archived as the record stood then, or archived after it."""
    if cutoff is None:
        name = "archived_at__isnull" if outer == "pk" else _related(outer, "archived_at__isnull")
        return Q(**{name: True})
    return as_of_q(model, Q(archived_at__isnull=True) | Q(archived_at__gt=cutoff), cutoff, outer)


def _latest_before(model, cutoff: datetime, ids):
    """The history rows in force at ``cutoff`` of the records ``ids`` (a subquery): each
    one's latest row at or before it, unless that row records its deletion."""
    rows = history_of(model).filter(id__in=ids, history_date__lte=cutoff)
    later = rows.filter(id=OuterRef("id")).filter(
        Q(history_date__gt=OuterRef("history_date"))
        | Q(history_date=OuterRef("history_date"), history_id__gt=OuterRef("history_id"))
    )
    return rows.exclude(Exists(later)).exclude(history_type="-")


def as_of_q(model, q: Q, cutoff: datetime | None, outer: str = "pk") -> Q:
    """``q`` (over ``model``'s own fields) held by the record at ``cutoff``; ``outer`` names
    the record's id in the query (``pk``: a query on ``model`` itself).

    The same reading as ``value_as_of``, written for WHERE: the records not changed since
    the cut-off are tested on their live columns (plain predicates the database can use an
    index for), the few changed since on their history row then; a changed record without
    a history row then keeps its live values."""
    if cutoff is None or not changed_since(model, cutoff):
        if outer == "pk":
            return q
        return Q(**{f"{outer}__in": model._default_manager.filter(q).values("pk")})
    changed = changed_after(model, cutoff)
    then = _latest_before(model, cutoff, changed)
    unknown = model._default_manager.filter(q, pk__in=changed).exclude(pk__in=then.values("id"))
    if outer == "pk":
        live = q & ~Q(pk__in=changed)
    else:
        live = Q(
            **{
                f"{outer}__in": model._default_manager.filter(q)
                .exclude(pk__in=changed)
                .values("pk")
            }
        )
    return (
        live
        | Q(**{f"{outer}__in": then.filter(q).values("id")})
        | Q(**{f"{outer}__in": unknown.values("pk")})
    )
