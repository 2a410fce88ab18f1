"""Each role's main journey through the demo county, on a phone and on a desktop, as a new
user would walk it: every page and every asset answers without an error, the browser's
console stays clean and the visible text is Chinese (product names excepted).

The demo county is loaded once (as `make run` loads it); each role walks its pages in a
fresh browser context at both sizes. A list's first record is opened from the list, so the
detail pages people reach by tapping are walked too.
"""

import re
from dataclasses import dataclass, field

import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.demo import DEMO_PASSWORD
from accounts.models import User
from reporting.periods import current_week

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 375, "height": 812, "is_mobile": True, "has_touch": True}
DESKTOP = {"width": 1366, "height": 900}

# Words allowed in a page's visible text: product and format names, the language
# switcher's own name for English, units.
ALLOWED_WORDS = {"Excel", "PDF", "Word", "English", "Django", "ID", "xlsx", "docx", "zip"}
# A word of Latin letters standing alone (a credit code's "MA4L" inside digits is not one).
WORD = re.compile(r"(?<![A-Za-z0-9])[A-Za-z]{2,}(?![A-Za-z0-9])")


def first_link(selector):
    """Open the first record of the list on the page (a link inside ``selector``)."""
    return ("first", selector)


def journeys():
    week = current_week()
    weekly_edit = reverse("reporting:weekly_edit", args=[week.year, week.week])
    return {
        "kaiyun": [
            reverse("home"),
            reverse("institutions:list"),
            first_link("table tbody"),
            reverse("screening:visit_list"),
            first_link("table tbody"),
            reverse("screening:lead_list"),
            reverse("risklists:list"),
            reverse("risklists:review"),
            reverse("disposal:board"),
            reverse("disposal:action_list"),
            first_link("table tbody"),
            reverse("disposal:zeroing_ledger"),
            reverse("reporting:weekly_list"),
            weekly_edit,
            reverse("reporting:publicity_list"),
            reverse("reporting:three_musts"),
        ],
        "county": [
            reverse("home"),
            reverse("risklists:review"),
            reverse("risklists:list"),
            first_link("table tbody"),
            reverse("risklists:changes"),
            reverse("institutions:list"),
            reverse("screening:four_looks"),
            reverse("screening:spot_check_list"),
            reverse("screening:import_list"),
            reverse("screening:match_list"),
            reverse("disposal:board"),
            reverse("disposal:action_list"),
            reverse("disposal:zeroing_ledger"),
            reverse("disposal:penalty_list"),
            reverse("reporting:weekly_list"),
            reverse("reporting:run_list"),
            reverse("reporting:dashboard"),
            reverse("audit_log"),
        ],
        "leader": [
            reverse("home"),  # the dashboard
            reverse("reporting:run_list"),
            reverse("risklists:list"),
            reverse("institutions:list"),
            first_link("table tbody"),
            reverse("disposal:zeroing_ledger"),
            reverse("reporting:weekly_list"),
        ],
        "admin": [
            reverse("home"),
            reverse("institutions:list"),
            reverse("admin:index"),
        ],
    }


@dataclass
class Problems:
    items: list[str] = field(default_factory=list)

    def add(self, where, what):
        self.items.append(f"{where}: {what}")


def watch(page, problems: Problems):
    page.on(
        "console",
        lambda message: (
            message.type == "error" and problems.add(page.url, f"console error: {message.text}")
        ),
    )
    page.on("pageerror", lambda error: problems.add(page.url, f"script error: {error}"))
    page.on(
        "response",
        lambda response: (
            response.status >= 400 and problems.add(page.url, f"{response.status} {response.url}")
        ),
    )
    # A request the browser itself cancelled because the page moved on (net::ERR_ABORTED,
    # e.g. the icon of a page left at once) is no fault of the page; a missing or broken
    # asset answers 4xx/5xx above, and a refused connection fails with its own error.
    page.on(
        "requestfailed",
        lambda request: (
            "ERR_ABORTED" not in (request.failure or "")
            and problems.add(page.url, f"failed {request.url}: {request.failure}")
        ),
    )


def english_words(page, allowed) -> set[str]:
    text = page.locator("body").inner_text()
    return {word for word in WORD.findall(text) if word not in allowed}


def walk(browser, base_url, username, steps, viewport, problems, screenshot, allowed):
    size = {key: value for key, value in viewport.items() if key in ("width", "height")}
    extra = {key: value for key, value in viewport.items() if key not in ("width", "height")}
    context = browser.new_context(base_url=base_url, locale="zh-CN", viewport=size, **extra)
    page = context.new_page()
    page.set_default_timeout(20000)
    watch(page, problems)
    page.goto("/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
    label = "phone" if viewport is PHONE else "desktop"
    for step in steps:
        if isinstance(step, tuple):
            link = page.locator(f"{step[1]} a[href]").first
            if link.count() == 0:
                problems.add(page.url, "an empty list where the demo has records")
                continue
            link.click()
        else:
            page.goto(step)
        page.wait_for_load_state("networkidle")
        words = english_words(page, allowed)
        if words:
            problems.add(page.url, f"English words {sorted(words)}")
        if viewport is PHONE and page.evaluate("document.documentElement.scrollWidth") > 390:
            problems.add(page.url, "wider than the phone")
    screenshot(page, f"journey-{username}-{label}")
    context.close()


@pytest.fixture
def demo_county(settings):
    call_command("load_demo", verbosity=0)


def test_every_role_walks_its_journey_on_a_phone_and_a_desktop(
    browser, live_server, demo_county, screenshot
):
    problems = Problems()
    # Login names are identifiers people type (the audit log names who did what with them).
    allowed = ALLOWED_WORDS | set(User.objects.values_list("username", flat=True))
    for username, steps in journeys().items():
        for viewport in (PHONE, DESKTOP):
            walk(browser, live_server.url, username, steps, viewport, problems, screenshot, allowed)

    assert problems.items == [], "\n".join(problems.items)
