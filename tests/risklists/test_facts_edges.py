"""The facts builder's edges that make mutation (scripts/mutation.py) found unguarded: money
summed by the database is exact to the cent, and the figures read as a whole."""

from datetime import date
from decimal import Decimal
from types import SimpleNamespace

import pytest

from core.db import forget_shapes
from institutions.models import Institution, RegistrationStatus
from risklists.engine import Thresholds, evaluate
from risklists.facts import build_facts, facts_from
from risklists.figures import derived_figures
from tests.disposal.factories import PrepaymentFactory
from tests.factories import InstitutionFactory, VenueFactory

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 23)


def test_prepayments_in_cents_add_up_to_the_cent(township):
    """0.10 + 0.20 yuan outstanding is 0.30, not the 0.30000000000000004 a floating-point sum
    gives (SQLite sums in floating point): the amounts the list, the packs and C4 read."""
    institution = InstitutionFactory(township=township)
    for amount in ("0.10", "0.20"):
        PrepaymentFactory(institution=institution, amount=Decimal(amount), kind="membership")

    figures = derived_figures([institution.pk], thresholds=Thresholds(), today=TODAY)

    assert figures[institution.pk].prepayment_total == Decimal("0.30")
    assert str(figures[institution.pk].prepayment_total) == "0.30"


def test_the_figures_read_as_a_whole_for_the_institution_page(township):
    institution = InstitutionFactory(township=township)
    PrepaymentFactory(institution=institution, amount=Decimal("80000"), kind="investment")

    figures = derived_figures([institution.pk], thresholds=Thresholds(), today=TODAY)
    page = figures[institution.pk].as_dict()

    assert page["large_prepayment_total"] == Decimal("80000")
    assert page["prepayment_payers"] == 1
    assert page["large_payer_keys"] and page["sources"] == {}


def test_an_institutions_page_compiles_its_figures_afresh_then_reuses_them_for_the_next(
    township,
):
    """The first institution page of the day (here after the kept statements are forgotten, as
    after a restart) compiles the figures' statement; the next institution's page runs the kept
    one with its own id. Each shows its own figures."""
    first, second = InstitutionFactory(township=township), InstitutionFactory(township=township)
    PrepaymentFactory(institution=first, amount=Decimal("80000"), kind="investment")
    PrepaymentFactory(institution=second, amount=Decimal("1000"), kind="membership")
    forget_shapes()

    compiled = derived_figures([first.pk], thresholds=Thresholds(), today=TODAY)[first.pk]
    kept = derived_figures([second.pk], thresholds=Thresholds(), today=TODAY)[second.pk]

    assert (compiled.large_prepayment_total, compiled.prepayment_total) == (80000, 80000)
    assert (kept.large_prepayment_total, kept.prepayment_total) == (0, 1000)


def test_institutions_named_by_a_queryset_of_their_ids_are_rated_from_the_registry(township):
    """Institutions named by a values() queryset of their ids get their registry facts: a
    venue is unregistered and keeps its beds."""
    venue = VenueFactory(township=township, beds=12)
    ids = Institution.objects.filter(pk=venue.pk).values("pk")

    facts = build_facts(ids, Thresholds(), TODAY)

    assert list(facts) == [venue.pk]
    assert (facts[venue.pk].registered, facts[venue.pk].beds) == (False, 12)


def test_rows_that_carry_the_registry_values_are_read_as_given_others_from_the_registry(
    township,
):
    """Rows already read (a page's, a batch's) give their own registration and beds; rows
    that lack one of them are looked up in the registry."""
    venue = VenueFactory(township=township, beds=12)
    as_read = SimpleNamespace(
        pk=venue.pk, registration_status=RegistrationStatus.REGISTERED_FILED, beds=99
    )
    partial = SimpleNamespace(pk=venue.pk, registration_status="")

    given = build_facts([as_read], Thresholds(), TODAY)[venue.pk]
    looked_up = build_facts([partial], Thresholds(), TODAY)[venue.pk]

    assert (given.registered, given.beds) == (True, 99)
    assert (looked_up.registered, looked_up.beds) == (False, 12)


def test_figures_of_another_kind_give_the_facts_they_carry_and_defaults_for_the_rest():
    """Figures that are not the builder's own (a preview's, a hand-made set) rate on what
    they carry: 3 complaints on a venue is O2 and O6, nothing else assumed."""
    carried = SimpleNamespace(complaints=3, collapsed=False, not_a_fact="ignored")

    facts = facts_from(RegistrationStatus.UNREGISTERED, 20, carried)

    assert (facts.complaints, facts.registered, facts.beds) == (3, False, 20)
    assert facts_from(RegistrationStatus.UNREGISTERED, None, carried).beds == 0
    assert set(evaluate(facts).codes) == {"O2", "O6"}
