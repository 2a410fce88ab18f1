"""What the demo county holds, read from one load of it per module (tests/conftest.py
demo_once): loading takes most of a minute."""

import inspect
from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import OrgUnit, Role, UnitLevel, User
from core import clock
from institutions.models import Institution
from institutions.validators import validate_credit_code, validate_id_number
from risklists.engine import Thresholds
from risklists.figures import derived_figures
from screening.models import (
    Complaint,
    Lawsuit,
    Lead,
    LeadStatus,
    Person,
    PrepaymentRecord,
    RelatedCompany,
    ResidentInterview,
    ScreeningRound,
    ScreeningVisit,
    SharedListEntry,
    VisitMethod,
    VisitStatus,
)
from screening.selectors import four_looks
from tests.devtools.test_demo import RULE_CODES, SCREENING_MODELS

pytestmark = pytest.mark.django_db


def test_demo_credit_codes_are_valid_and_unique(demo_once):
    for institution in Institution.objects.all():
        institution.full_clean()


def test_demo_id_numbers_and_credit_codes_of_screening_records_are_valid(demo_once):
    numbers = list(Person.objects.values_list("id_number", flat=True))
    numbers += list(
        PrepaymentRecord.objects.exclude(payer_id_number="").values_list(
            "payer_id_number", flat=True
        )
    )
    numbers += list(Lawsuit.objects.exclude(id_number="").values_list("id_number", flat=True))
    assert len(numbers) > 300
    for number in numbers:
        validate_id_number(number)
    codes = list(RelatedCompany.objects.values_list("credit_code", flat=True))
    codes += list(
        SharedListEntry.objects.exclude(credit_code="").values_list("credit_code", flat=True)
    )
    for code in codes:
        validate_credit_code(code)


def test_demo_screening_records_cover_every_kind(demo_once):
    visits = ScreeningVisit.objects.all()
    assert {v.round for v in visits} == set(ScreeningRound.values)
    assert {v.method for v in visits} == set(VisitMethod.values)
    assert {v.status for v in visits} == set(VisitStatus.values)
    assert {v.fund_use for v in visits} >= {"", "facility_construction", "operations", "irregular"}
    assert visits.filter(false_advertising=True, status=VisitStatus.SUBMITTED).exists()
    assert ResidentInterview.objects.exists()
    assert set(Lead.objects.values_list("status", flat=True)) == set(LeadStatus.values)
    assert Lead.objects.filter(institution__isnull=False).exists()
    # Scoped rows carry their institution's (or unit's) path, bulk inserts included.
    for model in SCREENING_MODELS:
        assert not model.objects.filter(scope_path="").exists(), model.__name__
    for lead in Lead.objects.select_related("institution", "unit"):
        expected = lead.institution.scope_path if lead.institution else lead.unit.path
        assert lead.scope_path == expected


def test_demo_gives_the_four_looks_review_something_to_find(demo_once):
    county = User.objects.get(username="county")
    review = four_looks.township_review(county, four_looks.campaign_start())
    assert len(review.rows) == OrgUnit.objects.filter(level=UnitLevel.TOWNSHIP).count()
    assert all(row.official is not None for row in review.rows)
    total = review.total
    assert total.screened > 80
    assert total.screened_incomplete > 0
    assert total.candidates_to_verify > 0
    assert total.not_screened_new > 0


def test_every_rule_of_the_rating_fires_for_some_demo_institution(demo_once):
    engine = pytest.importorskip("risklists.engine")
    institutions = list(Institution.objects.all())
    figures = derived_figures(
        [i.pk for i in institutions], thresholds=Thresholds(), today=clock.today()
    )
    accepted = set(inspect.signature(engine.Facts).parameters)
    fired = set()
    for institution in institutions:
        values = {k: v for k, v in figures[institution.pk].as_dict().items() if k in accepted}
        facts = engine.Facts(
            registered=not institution.is_venue, beds=institution.beds or 0, **values
        )
        fired |= {hit.code for hit in engine.evaluate(facts, engine.Thresholds()).hits}
    assert fired >= RULE_CODES, sorted(RULE_CODES - fired)
    # Issue 14: complaints and leads in each state of their verification, and a finding
    # the county section resolved with its reason (so the pages have something to show).
    from screening.models import FindingResolution, Lead

    states = set(Complaint.objects.values_list("verification", flat=True))
    assert {"pending", "substantiated"} <= states
    assert Lead.objects.exclude(groundless_on=None).exclude(groundless_reason="").count() == 1
    resolution = FindingResolution.objects.get()
    assert resolution.fact == "public_opinion" and resolution.reason
    assert not figures[resolution.institution_id].public_opinion


def test_demo_ratings_go_through_the_review_like_a_county_makes_them(demo_once):
    from risklists.models import Assessment, LevelChange, RatingState, ReviewState

    states = set(Assessment.objects.values_list("state", flat=True))
    assert states >= {
        ReviewState.PROPOSED,
        ReviewState.SUBMITTED,
        ReviewState.APPROVED,
        ReviewState.RETURNED,
    }
    approved = set(RatingState.objects.exclude(approved_level="").values_list("approved_level"))
    assert {level for (level,) in approved} == {"red", "orange", "yellow", "green"}
    # The county lowered one level with a written reason; some approvals are recent, so the
    # list's "changes since last week" has something to say.
    lowered = LevelChange.objects.filter(kind="lowered")
    assert lowered.count() == 1 and lowered.get().reason
    week_ago = timezone.now() - timedelta(days=7)
    assert LevelChange.objects.filter(changed_at__gte=week_ago).exists()


def test_demo_users_have_real_names_as_histories_show_them(demo_once):
    kaiyun = User.objects.get(username="kaiyun")
    assert str(kaiyun) == "张三" and kaiyun.unit.name == "开云镇"
    names = [str(u) for u in User.objects.filter(role=Role.TOWNSHIP_STAFF)]
    assert len(set(names)) == len(names)
    assert not any("民政办" in name for name in names)


def test_the_citys_login_opens_its_pages_over_the_demo_county(demo_once, client):
    """The city section (hengyang, 衡阳市) sees what is below it: 报送情况 with 衡山县, the
    roll-up pack offered, and the county's lists, each page answering without an error."""
    from django.urls import reverse

    city = User.objects.get(username="hengyang")
    assert city.unit.level == UnitLevel.CITY and str(city) == "罗振华"
    client.force_login(city)
    for name in (
        "home",
        "reporting:completeness",
        "reporting:run_list",
        "institutions:list",
        "risklists:list",
        "disposal:board",
        "disposal:zeroing_ledger",
    ):
        response = client.get(reverse(name))
        assert response.status_code == 200, name
    page = client.get(reverse("reporting:completeness")).content.decode()
    assert "衡山县" in page
