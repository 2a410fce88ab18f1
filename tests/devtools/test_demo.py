import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import authenticate
from django.core.management import call_command

from accounts.demo import DEMO_PASSWORD
from accounts.models import OrgUnit, Role, UnitLevel, User
from devtools.demo import DemoBuilder
from institutions.models import Institution
from screening.models import (
    BlacklistEntry,
    Branch,
    CampaignRound,
    Complaint,
    FinancialSnapshot,
    Lawsuit,
    Lead,
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
