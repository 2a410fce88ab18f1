"""Browser tests: Playwright for Python driving Debian's Chromium (never a downloaded one)."""

import os
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-results"


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in the test thread; the ORM calls the tests
    # make between browser steps are synchronous and safe there. Set here, not at import:
    # subprocesses of other tests (manage.py check --deploy) must not inherit it.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: run `make e2e`, which installs it.")
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url, locale="zh-CN", viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


@pytest.fixture
def phone_page(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url,
        locale="zh-CN",
        viewport={"width": 375, "height": 812},
        is_mobile=True,
        has_touch=True,
    )
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


@pytest.fixture
def login():
    def do_login(page, username, password="Secret-pass-1"):
        page.goto("/login/")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", password)
        page.click("button[type=submit]")
        page.wait_for_url("**/")

    return do_login


@pytest.fixture
def screenshot():
    SCREENSHOTS.mkdir(exist_ok=True)

    def take(page, name):
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)

    return take


@pytest.fixture
def submitted_orange(township, township_user):
    """Large prepayments used irregularly (O4): rated orange (saving the records re-rates on
    commit, Celery inline) and submitted by the township for the county's review."""
    from risklists import services as rating
    from risklists.models import RatingState
    from screening.models import PrepaymentKind, PrepaymentRecord, ScreeningVisit, VisitStatus
    from tests.factories import InstitutionFactory

    institution = InstitutionFactory(township=township, name="开云镇夕阳红老年公寓", beds=50)
    PrepaymentRecord.objects.create(
        institution=institution,
        payer_name="王秀英",
        kind=PrepaymentKind.INVESTMENT,
        amount="80000",
        paid_on="2026-01-05",
    )
    ScreeningVisit.objects.create(
        institution=institution,
        visited_on="2026-06-01",
        staff=township_user,
        status=VisitStatus.SUBMITTED,
        fund_use="irregular",
    )
    proposal = RatingState.objects.get(institution=institution).proposal
    assert proposal.level == "orange"
    rating.submit(user=township_user, assessment=proposal)
    return institution
