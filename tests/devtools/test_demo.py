import inspect
import os
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.utils import timezone

from accounts.demo import DEMO_PASSWORD
from accounts.models import OrgUnit, Role, UnitLevel, User
from core import clock
from devtools.demo import DemoBuilder
from institutions.models import Institution
from institutions.validators import validate_credit_code, validate_id_number
from risklists.engine import Thresholds
from risklists.figures import derived_figures
from screening.models import (
    BlacklistEntry,
    Branch,
    CampaignRound,
    Complaint,
    FinancialSnapshot,
    Lawsuit,
    Lead,
    LeadStatus,
    OfficialCount,
    Person,
    PersonRole,
    PrepaymentRecord,
    RegistrationChange,
    RelatedCompany,
    ResidentInterview,
    ScreeningRound,
    ScreeningVisit,
    SharedListEntry,
    SpotCheckDraw,
    VisitMethod,
    VisitStatus,
)
from screening.selectors import four_looks

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.django_db

SCREENING_MODELS = [
    Person,
    PersonRole,
    PrepaymentRecord,
    ScreeningVisit,
    ResidentInterview,
    Branch,
    RegistrationChange,
    RelatedCompany,
    FinancialSnapshot,
    Lawsuit,
    BlacklistEntry,
    Complaint,
    Lead,
    OfficialCount,
    SharedListEntry,
    CampaignRound,
    SpotCheckDraw,
]
RULE_CODES = {f"Y{n}" for n in range(1, 6)} | {f"O{n}" for n in range(1, 7)}
RULE_CODES |= {f"R{n}" for n in range(1, 6)} | {"V1"}


def snapshot():
    return (
        sorted(OrgUnit.objects.values_list("path", "name")),
        sorted(User.objects.values_list("username", "role", "unit_id")),
        sorted(Institution.objects.values_list("name", "credit_code", "beds", "township_id")),
        Institution.history.count(),
        {model.__name__: model.objects.count() for model in SCREENING_MODELS},
        {
            model.__name__: model.history.count()
            for model in SCREENING_MODELS
            if hasattr(model, "history")
        },
    )


def test_demo_county_is_realistic_and_loading_twice_changes_nothing(capsys):
    call_command("load_demo")
    first = snapshot()
    call_command("load_demo")
    assert snapshot() == first

    townships = OrgUnit.objects.filter(level=UnitLevel.TOWNSHIP)
    assert 10 <= townships.count() <= 14
    assert Institution.objects.registered().count() > 100
    assert Institution.objects.venues().count() > 20
    assert set(Institution.objects.values_list("ownership", flat=True)) >= {
        "public",
        "public_private",
        "private",
    }
    assert {r for (r,) in User.objects.values_list("role")} == set(Role.values)
    # one township-staff login per township, all with the documented password
    assert User.objects.filter(role=Role.TOWNSHIP_STAFF).count() == townships.count()
    for username in ["admin", "county", "leader", "kaiyun"]:
        assert authenticate(username=username, password=DEMO_PASSWORD) is not None
    assert "kaiyun" in capsys.readouterr().out


def test_demo_credit_codes_are_valid_and_unique():
    call_command("load_demo")
    for institution in Institution.objects.all():
        institution.full_clean()


def test_demo_id_numbers_and_credit_codes_of_screening_records_are_valid():
    call_command("load_demo")
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


def test_demo_screening_records_cover_every_kind():
    call_command("load_demo")
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


def test_demo_gives_the_four_looks_review_something_to_find():
    call_command("load_demo")
    county = User.objects.get(username="county")
    review = four_looks.township_review(county, four_looks.campaign_start())
    assert len(review.rows) == OrgUnit.objects.filter(level=UnitLevel.TOWNSHIP).count()
    assert all(row.official is not None for row in review.rows)
    total = review.total
    assert total.screened > 80
    assert total.screened_incomplete > 0
    assert total.candidates_to_verify > 0
    assert total.not_screened_new > 0


def test_demo_county_has_round_windows_with_something_overdue_and_something_open():
    from screening.selectors import rounds

    # A day well into the campaign: on 2 January no round could be overdue yet.
    today = date(2026, 6, 16)
    DemoBuilder(today=today).build()
    county = User.objects.get(username="county")
    review = rounds.round_progress(county, today=today)
    assert review.kinds == list(ScreeningRound.values)
    states = {p.state for row in review.rows for p in row.rounds.values()}
    assert rounds.RoundState.OVERDUE in states and rounds.RoundState.OPEN in states
    assert review.totals[ScreeningRound.FIRST].covered > 80
    assert rounds.review_start(county, today) == four_looks.campaign_start(today)
    draw = SpotCheckDraw.objects.get()
    assert draw.listed_only and draw.items.count() == 8


def test_every_rule_of_the_rating_fires_for_some_demo_institution():
    engine = pytest.importorskip("risklists.engine")
    call_command("load_demo")
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
    from screening.models import Complaint, FindingResolution, Lead

    states = set(Complaint.objects.values_list("verification", flat=True))
    assert {"pending", "substantiated"} <= states
    assert Lead.objects.exclude(groundless_on=None).exclude(groundless_reason="").count() == 1
    resolution = FindingResolution.objects.get()
    assert resolution.fact == "public_opinion" and resolution.reason
    assert not figures[resolution.institution_id].public_opinion


def test_demo_ratings_go_through_the_review_like_a_county_makes_them():
    from risklists.models import Assessment, LevelChange, RatingState, ReviewState

    call_command("load_demo")
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


def test_demo_users_have_real_names_as_histories_show_them():
    call_command("load_demo")

    kaiyun = User.objects.get(username="kaiyun")
    assert str(kaiyun) == "张三" and kaiyun.unit.name == "开云镇"
    names = [str(u) for u in User.objects.filter(role=Role.TOWNSHIP_STAFF)]
    assert len(set(names)) == len(names)
    assert not any("民政办" in name for name in names)


@pytest.mark.skipif(not settings.CELERY_BROKER_URL.startswith("memory"), reason="embedded only")
def test_load_demo_prints_the_logins_without_a_screen_of_task_lines(tmp_path):
    """As `make run` does on a fresh machine: embedded SQLite, tasks inline."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE")
    }
    environment["DATABASE_URL"] = f"sqlite:///{tmp_path / 'demo.sqlite3'}"
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "-v0"], env=environment, check=True, cwd=ROOT)  # noqa: S603

    done = subprocess.run(  # noqa: S603
        [*manage, "load_demo"], env=environment, capture_output=True, text=True, cwd=ROOT
    )

    assert done.returncode == 0
    assert done.stdout.startswith("Demo county loaded:")
    assert "kaiyun" in done.stdout
    assert "succeeded in" not in done.stderr
    assert len(done.stderr.splitlines()) <= 2
