"""The nightly rating in chunks: the same ratings as one at a time, whatever the chunk, and
nothing of the institutions between the chunk's ids that were not asked about."""

import gc
from datetime import date

import pytest

from core import clock
from institutions.models import Institution
from risklists import services, tasks
from risklists.engine import Thresholds
from risklists.figures import derived_figures
from risklists.models import Assessment
from screening.models import (
    BlacklistEntry,
    Complaint,
    FinancialSnapshot,
    Lawsuit,
    MatchStatus,
    Person,
    PersonRole,
    PersonRoleKind,
    Verification,
)
from tests.factories import InstitutionFactory, VenueFactory

from .factories import invest, visit

pytestmark = pytest.mark.django_db


@pytest.fixture
def registry(township, county, township_user):
    """Five institutions in a run of ids; the middle one archived, with every kind of
    record that would colour it (and, wrongly counted, its neighbours)."""
    first = InstitutionFactory(township=township, beds=1)
    invest(first, "甲")
    invest(first, "乙")  # O5: 2 large payers > 1 bed
    archived = InstitutionFactory(township=township, archived_at="2026-01-01T00:00:00+08:00")
    invest(archived)
    visit(archived, township_user, collapsed=True)
    FinancialSnapshot.objects.create(
        institution=archived, as_of=date(2026, 6, 30), total_assets=1, total_liabilities=9
    )
    person = Person.objects.create(name="赵某", unit=township)
    PersonRole.objects.create(
        institution=archived, person=person, kind=PersonRoleKind.LEGAL_REPRESENTATIVE
    )
    common = {"unit": county, "subject_name": "赵某", "match_status": MatchStatus.CONFIRMED}
    Lawsuit.objects.create(
        case_number="1", cause="诈骗", economic_crime=True, person=person, **common
    )
    BlacklistEntry.objects.create(list_kind="credit_china", person=person, **common)
    BlacklistEntry.objects.create(list_kind="elder_care", institution=archived, **common)
    verified = {"verification": Verification.SUBSTANTIATED}
    Complaint.objects.create(
        institution=archived, received_on=date(2026, 6, 1), content="退费难", **common, **verified
    )
    Complaint.objects.create(
        person=person, received_on=date(2026, 6, 1), content="退费难", **common, **verified
    )
    venue = VenueFactory(township=township)  # O6
    plain = InstitutionFactory(township=township)
    suspect = InstitutionFactory(township=township)
    visit(suspect, township_user, suspected_crime=True)  # R2
    return {
        "first": first,
        "archived": archived,
        "venue": venue,
        "plain": plain,
        "suspect": suspect,
    }


def _levels():
    return dict(Assessment.objects.values_list("institution_id", "level"))


@pytest.mark.parametrize("chunk", [1, 2, 3, 10])
def test_chunks_rate_as_one_at_a_time(registry, chunk):
    active = [i for name, i in registry.items() if name != "archived"]
    one_by_one = {i.pk: services.compute([i])[i.pk] for i in active}
    outcome = tasks.rate_in_chunks(Institution.objects.active(), chunk=chunk)
    assert outcome["rated"] == 4 and outcome["created"] == 4
    stored = {a.institution_id: a for a in Assessment.objects.all()}
    assert set(stored) == {i.pk for i in active}
    for pk, rating in one_by_one.items():
        assert (stored[pk].level, stored[pk].hits, stored[pk].compliance) == (
            rating.level,
            rating.hits,
            rating.compliance,
        )
    assert _levels() == {
        registry["first"].pk: "orange",
        registry["venue"].pk: "orange",
        registry["plain"].pk: "green",
        registry["suspect"].pk: "red",
    }
    again = tasks.rate_in_chunks(Institution.objects.active(), chunk=chunk)
    assert again["created"] == 0 and Assessment.objects.count() == 4


def test_figures_of_ids_around_an_unasked_one_leave_it_out(registry):
    archived = registry["archived"].pk
    own = derived_figures([archived], thresholds=Thresholds(), today=clock.today())[archived]
    assert own.person_blacklisted and own.person_economic_crime_suit and own.collapsed
    assert own.complaints == 2 and own.large_prepayment_payers == 1 and own.assets == 1
    asked = [registry["first"].pk, registry["venue"].pk]  # the archived one lies between
    assert asked[0] < archived < asked[1]
    figures = derived_figures(asked, thresholds=Thresholds(), today=clock.today())
    assert set(figures) == set(asked)
    first = figures[registry["first"].pk]
    assert (first.large_prepayment_payers, first.complaints) == (2, 0)
    assert not (first.person_blacklisted or first.person_economic_crime_suit or first.collapsed)
    venue = figures[registry["venue"].pk]
    assert venue.large_prepayment_total == 0 and venue.assets is None


def test_the_collector_runs_again_after_the_batch(registry, monkeypatch):
    assert gc.isenabled()
    seen = []

    def rate(members, today=None):
        seen.append(gc.isenabled())
        raise RuntimeError("a chunk failed")

    monkeypatch.setattr(services, "rate", rate)
    with pytest.raises(RuntimeError):
        tasks.rate_in_chunks(Institution.objects.active())
    assert seen == [False] and gc.isenabled()
