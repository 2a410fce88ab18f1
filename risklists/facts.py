"""The facts builder: the only code that turns the database into the engine's ``Facts``.

The figures come from ``figures.derived_figures`` (dated records, a constant number of
set-based queries whatever the number of institutions); the registry adds
whether the institution is registered (an unregistered venue is itself a risk fact,
O6/R1) and its beds (O5, and the 民发〔2024〕19号 payer check).
"""

from __future__ import annotations

from datetime import date

from django.db.models import QuerySet

from core import clock
from institutions.models import Institution, RegistrationStatus

from .engine import Facts, Thresholds
from .figures import REGISTRY_FACTS, DerivedFigures, derived_figures

FACT_FIELDS = Facts.field_names()
# The facts that DerivedFigures carries: all but the registry's own.
_FIGURE_FIELDS = tuple(sorted(FACT_FIELDS - set(REGISTRY_FACTS)))


def _registry_rows(institutions) -> dict[int, tuple[str, int | None]]:
    """``{id: (registration_status, beds)}``: from the objects given, else one query."""
    if isinstance(institutions, QuerySet):
        if institutions.model is Institution and not institutions.query.values_select:
            rows = institutions.values_list("pk", "registration_status", "beds")
        else:
            rows = Institution.objects.filter(pk__in=institutions).values_list(
                "pk", "registration_status", "beds"
            )
        return {pk: (status, beds) for pk, status, beds in rows}
    items = list(institutions)
    if all(isinstance(item, Institution) for item in items) or all(
        hasattr(item, "registration_status") and hasattr(item, "beds") for item in items
    ):
        return {i.pk: (i.registration_status, i.beds) for i in items}
    ids = [getattr(item, "pk", item) for item in items]
    return {
        pk: (status, beds)
        for pk, status, beds in Institution.objects.filter(pk__in=ids).values_list(
            "pk", "registration_status", "beds"
        )
    }


def facts_from(registration_status: str, beds: int | None, figures) -> Facts:
    # Attribute by attribute: dataclasses.asdict deep-copies every value, which at province
    # size cost more than the engine itself.
    if type(figures) is DerivedFigures:
        attributes = figures.__dict__
        values = {name: attributes[name] for name in _FIGURE_FIELDS}
        values["registered"] = registration_status != RegistrationStatus.UNREGISTERED
        values["beds"] = beds or 0
        return Facts.from_fields(values)
    values = {name: getattr(figures, name) for name in FACT_FIELDS if hasattr(figures, name)}
    return Facts(
        registered=registration_status != RegistrationStatus.UNREGISTERED,
        beds=beds or 0,
        **values,
    )


def build_facts(
    institutions, thresholds: Thresholds, today: date | None = None
) -> dict[int, Facts]:
    """``{institution id: Facts}`` for institutions given as rows, ids or a queryset.

    ``thresholds`` (those in force for the institutions' county) decide what counts as a
    large prepayment; ``today`` anchors the "last 36/24 months" windows. The number of
    queries does not depend on how many are asked.
    """
    today = today or clock.today()
    registry = _registry_rows(institutions)
    if not registry:
        return {}
    figures = derived_figures(list(registry), thresholds=thresholds, today=today, payer_keys=False)
    return {pk: facts_from(status, beds, figures[pk]) for pk, (status, beds) in registry.items()}
