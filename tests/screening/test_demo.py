"""The demo's screening records are entered through the screening services, by the users
who enter them in the product, on top of the demo's units, users and registry."""

import pytest

from accounts.demo import build_accounts_demo
from institutions.demo import build_registry_demo
from institutions.models import Institution
from screening.demo import build_screening_demo
from screening.models import (
    Branch,
    ChangeKind,
    Complaint,
    FinancialSnapshot,
    ImportBatch,
    ImportKind,
    ImportStatus,
    Lawsuit,
    Lead,
    LeadStatus,
    MatchStatus,
    PersonRole,
    PersonRoleKind,
    PrepaymentRecord,
    RegistrationChange,
    RelatedCompany,
    ScreeningVisit,
    SharedListEntry,
)
from screening.selectors.four_looks import campaign_start
from screening.services.records import AUTOMATIC_SOURCE

pytestmark = pytest.mark.django_db


def created_by(model) -> set[int]:
    return set(model.history.filter(history_type="+").values_list("history_user", flat=True))


def test_demo_screening_records_go_through_the_services_and_name_who_entered_them():
    county = build_accounts_demo()
    registry = build_registry_demo(county, new_since=campaign_start())
    build_screening_demo(county, registry)

    # The county section enters the registry; each institution's records are its township's.
    assert created_by(Institution) == {county.county_user.pk}
    staff = {user.pk for user in county.staff.values()}
    for model in (
        PersonRole,
        PrepaymentRecord,
        ScreeningVisit,
        Branch,
        RelatedCompany,
        FinancialSnapshot,
        Lead,
    ):
        assert created_by(model) and created_by(model) <= staff, model.__name__

    # A new legal representative ended the previous one's role and recorded the change.
    changes = RegistrationChange.objects.filter(kind=ChangeKind.LEGAL_REPRESENTATIVE)
    assert set(changes.values_list("source", flat=True)) == {AUTOMATIC_SOURCE}
    ended = PersonRole.objects.filter(
        kind=PersonRoleKind.LEGAL_REPRESENTATIVE, ended_on__isnull=False
    )
    assert ended.count() == changes.count() > 0

    # A lead fed back went through every step: recorded, verified, handled, reported, fed back.
    lead = Lead.objects.filter(status=LeadStatus.FED_BACK).first()
    assert lead.history.count() == 5

    # The outside lists came in through the county's import, which matched them.
    kinds = [
        ImportKind.LAWSUITS,
        ImportKind.BLACKLIST,
        ImportKind.COMPLAINTS,
        ImportKind.SHARED_LIST,
    ]
    assert set(ImportBatch.objects.values_list("kind", "status")) == {
        (kind, ImportStatus.APPLIED) for kind in kinds
    }
    for model in (Lawsuit, Complaint, SharedListEntry):
        assert not model.objects.filter(batch__isnull=True).exists(), model.__name__
        assert model.objects.filter(match_status=MatchStatus.PENDING).exists(), model.__name__
