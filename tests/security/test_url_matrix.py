"""Every URL × every role × own unit / other unit, against an explicit table of expectations.

The patterns come from the URL configuration, so a new page is tested as soon as it exists,
and a page without a row in ``EXPECTED`` fails the suite until someone says who may open
it. Outcomes of a GET: "ok" (200), "404", "403", "405" (POST only), "login" (sent to the
login page), "redirect" (elsewhere). ``SCOPED`` is ("ok", "404"): the user's own unit's
record opens, another unit's answers 404. The other unit of a township user is another
township of the county; that of the county roles is a township of another county.
"""

import pytest
from django.test import Client
from django.urls import reverse

from .urls import url_for, url_patterns
from .world import ROLES, World

pytestmark = pytest.mark.django_db

SCOPED = ("ok", "404")


def row(
    *,
    all=None,  # noqa: A002 - reads as a sentence: row(all="ok")
    editors=None,
    readers=None,
    county=None,
    others=None,
    township=None,
    leader=None,
    administrator=None,
    anonymous="login",
):
    """Per role, an outcome for own and other unit (one string when they are the same).

    editors: township staff and the county section; readers: leaders and administrators;
    others: everyone but the county section.
    """
    cells = {
        "township": township or editors or others or all,
        "county": county or editors or all,
        "leader": leader or readers or others or all,
        "administrator": administrator or readers or others or all,
        "anonymous": anonymous,
    }
    expected = {}
    for role, cell in cells.items():
        assert cell is not None, f"no expectation for {role}"
        own, other = cell if isinstance(cell, tuple) else (cell, cell)
        expected[(role, "own")], expected[(role, "other")] = own, other
    return expected


API = dict(anonymous="401")  # the API answers 401 (problem details), never a login redirect
PUBLIC = dict(all="ok", anonymous="ok")

EXPECTED = {
    "api:action-detail": row(all=SCOPED, **API),
    "api:action-list": row(all="ok", **API),
    "api:docs": row(**PUBLIC),
    "api:institution-detail": row(all=SCOPED, **API),
    "api:institution-list": row(all="ok", **API),
    # The county section's page of API keys; revoking is a POST.
    "api:key_list": row(county="ok", others="403"),
    "api:key_revoke": row(county="405", others="403"),
    "api:prepayment-detail": row(all=SCOPED, **API),
    "api:prepayment-list": row(all="ok", **API),
    "api:refund-detail": row(all=SCOPED, **API),
    "api:refund-list": row(all="ok", **API),
    "api:visit-attachment": row(all=SCOPED, **API),
    "api:visit-attachments": row(all=SCOPED, **API),
    "api:zeroing-detail": row(all=SCOPED, **API),
    "api:zeroing-list": row(all="ok", **API),
    "api:lead-detail": row(all=SCOPED, **API),
    "api:lead-list": row(all="ok", **API),
    "api:rating-detail": row(all=SCOPED, **API),
    "api:rating-list": row(all="ok", **API),
    "api:redoc": row(**PUBLIC),
    # Packs belong to the county, as on the pages.
    "api:run-detail": row(
        township="404", county=SCOPED, leader=SCOPED, administrator=SCOPED, **API
    ),
    "api:run-download": row(
        township="404", county=SCOPED, leader=SCOPED, administrator=SCOPED, **API
    ),
    "api:run-file": row(township="404", county=SCOPED, leader=SCOPED, administrator=SCOPED, **API),
    "api:run-list": row(all="ok", **API),
    "api:schema": row(**PUBLIC),
    "api:unit-detail": row(all=SCOPED, **API),
    "api:unit-list": row(all="ok", **API),
    "api:visit-detail": row(all=SCOPED, **API),
    "api:visit-list": row(all="ok", **API),
    "api:weekly-report-detail": row(all=SCOPED, **API),
    "api:weekly-report-list": row(all="ok", **API),
    "audit_log": row(county="ok", others="403"),
    "audit_log_export": row(county="ok", others="403"),
    # Another unit's institution is not found before the role is asked.
    "disposal:action_add": row(county=SCOPED, others=("403", "404")),
    "disposal:action_detail": row(all=SCOPED),
    "disposal:action_list": row(all="ok"),
    "disposal:action_list_export": row(all="ok"),
    "disposal:action_update": row(editors=SCOPED, readers="403"),
    "disposal:assistance_create": row(editors=SCOPED, readers="403"),
    "disposal:assistance_list": row(all=SCOPED),
    "disposal:assistance_list_export": row(all=SCOPED),
    "disposal:board": row(all="ok"),
    "disposal:case_key": row(all="405"),
    "disposal:deadline_settings": row(county="ok", others="403"),
    "disposal:evidence_download": row(all=SCOPED),
    "disposal:institution_plan": row(all=SCOPED),
    "disposal:penalty_create": row(editors=SCOPED, readers="403"),
    "disposal:penalty_detail": row(all=SCOPED),
    "disposal:penalty_export": row(all="ok"),
    "disposal:penalty_list": row(all="ok"),
    "disposal:penalty_propose": row(county="405", others="403"),
    "disposal:penalty_withdraw": row(editors="405", readers="403"),
    "disposal:refund_list": row(all=SCOPED),
    "disposal:refund_list_export": row(all=SCOPED),
    "disposal:refund_record_create": row(editors=SCOPED, readers="403"),
    "disposal:refund_reverse": row(editors=SCOPED, readers="403"),
    "disposal:resettlement_create": row(editors=SCOPED, readers="403"),
    "disposal:resettlement_list": row(all=SCOPED),
    "disposal:resettlement_list_export": row(all=SCOPED),
    "disposal:transfer_create": row(editors=SCOPED, readers="403"),
    "disposal:transfer_list": row(all=SCOPED),
    "disposal:transfer_list_export": row(all=SCOPED),
    "disposal:zeroing_cross_off": row(editors="405", readers="403"),
    "disposal:zeroing_detail": row(all=SCOPED),
    "disposal:zeroing_ledger": row(all="ok"),
    "disposal:zeroing_ledger_export": row(all="ok"),
    "favicon": row(all="redirect", anonymous="redirect"),
    "health": row(**PUBLIC),
    "home": row(all="ok", leader="redirect"),  # a leader's home is the dashboard
    "institutions:archive": row(editors="405", readers="403"),
    "institutions:create": row(editors="ok", readers="403"),
    "institutions:detail": row(all=SCOPED),
    "institutions:list": row(all="ok"),
    "institutions:list_export": row(all="ok"),
    "institutions:restore": row(editors="405", readers="403"),
    "institutions:update": row(editors=SCOPED, readers="403"),
    "login": row(all="ok", anonymous="ok"),
    "logout": row(all="405"),
    "password_change": row(all="ok"),
    "reporting:attachment": row(all="ok"),
    "reporting:commitment": row(all=SCOPED),
    # The county's own report (周报送、月调度): county-level users of the county read it (the
    # county section writes it by POST); a township is refused, another county not found.
    "reporting:county_reports": row(township="403", county="redirect", readers="redirect"),
    "reporting:county_weekly": row(township="403", county=SCOPED, readers=SCOPED),
    "reporting:county_weekly_docx": row(township="403", county=SCOPED, readers=SCOPED),
    "reporting:county_monthly": row(township="403", county=SCOPED, readers=SCOPED),
    "reporting:county_monthly_docx": row(township="403", county=SCOPED, readers=SCOPED),
    # The city's review of a county's report and the county's withdrawal: POST only.
    "reporting:county_report_action": row(all="405"),
    # Completeness up the tree: county-level units (a county sees itself), not townships.
    "reporting:completeness": row(township="403", county="ok", readers="ok"),
    "reporting:completeness_county": row(township="403", county=SCOPED, readers=SCOPED),
    "reporting:dashboard": row(all="ok"),
    # 政务公开: county-level users read their counties' approved lists (the county section
    # prepares and approves them by POST); a township is refused, another county not found.
    "reporting:publication_list": row(township="403", county="ok", readers="ok"),
    "reporting:publication_detail": row(township="403", county=SCOPED, readers=SCOPED),
    "reporting:publication_action": row(township="403", county="405", readers="405"),
    "reporting:publication_download": row(township="403", county=SCOPED, readers=SCOPED),
    "reporting:publication_csv": row(township="403", county=SCOPED, readers=SCOPED),
    "reporting:notice": row(all=SCOPED),
    "reporting:publicity_create": row(editors="ok", readers="403"),
    "reporting:publicity_detail": row(all=SCOPED),
    "reporting:publicity_photo": row(all=SCOPED),
    "reporting:publicity_list": row(all="ok"),
    "reporting:publicity_list_export": row(all="ok"),
    "reporting:publicity_update": row(editors=SCOPED, readers="403"),
    "reporting:run_detail": row(township="404", county=SCOPED, leader=SCOPED, administrator=SCOPED),
    "reporting:run_download": row(
        township="404", county=SCOPED, leader=SCOPED, administrator=SCOPED
    ),
    "reporting:run_file": row(township="404", county=SCOPED, leader=SCOPED, administrator=SCOPED),
    "reporting:run_list": row(all="ok"),
    "reporting:run_request": row(all="405"),
    "reporting:run_retry": row(all="405"),
    "reporting:run_status": row(township="404", county=SCOPED, leader=SCOPED, administrator=SCOPED),
    "reporting:three_musts": row(all="ok"),
    "reporting:weekly_detail": row(all=SCOPED),
    "reporting:weekly_withdraw": row(all="405"),
    "reporting:weekly_review": row(all="405"),
    "reporting:weekly_remind": row(all="405"),
    "reporting:notices": row(all="ok"),
    "reporting:weekly_edit": row(township="ok", county="403", leader="403", administrator="403"),
    "reporting:weekly_list": row(all="ok"),
    "reporting:weekly_list_export": row(all="ok"),
    "risklists:approve": row(all="405"),
    "risklists:changes": row(all="ok"),
    "risklists:list": row(all="ok"),
    "risklists:list_export": row(all="ok"),
    "risklists:lower": row(all="405"),
    "risklists:raise": row(all="405"),
    "risklists:return": row(all="405"),
    "risklists:review": row(all="ok"),
    "risklists:review_export": row(all="ok"),
    "risklists:review_selected": row(all="405"),
    "risklists:submit": row(all="405"),
    "risklists:thresholds": row(county="ok", others="403"),
    "screening:branch_create": row(editors=SCOPED, readers="403"),
    "screening:branch_delete": row(county="405", others="403"),
    "screening:branch_update": row(editors=SCOPED, readers="403"),
    "screening:candidate_verify": row(editors="405", readers="403"),
    # Everyone reads the round windows in force for their unit; only the county section's
    # POST changes them (403 for the others).
    "screening:campaign_rounds": row(all="ok"),
    "screening:candidates": row(all="ok"),
    "screening:change_create": row(editors=SCOPED, readers="403"),
    "screening:change_delete": row(county="405", others="403"),
    "screening:change_update": row(editors=SCOPED, readers="403"),
    "screening:complaint_detail": row(all=SCOPED),
    "screening:complaint_list": row(all="ok"),
    "screening:complaint_list_export": row(all="ok"),
    "screening:complaint_verify": row(editors="405", readers="403"),
    # 衡山县 §二.二 调查认定: the county section records and corrects a determination;
    # everyone reads those of their unit.
    "screening:determination_create": row(county=SCOPED, others="403"),
    "screening:determination_detail": row(all=SCOPED),
    "screening:determination_list": row(all="ok"),
    "screening:determination_list_export": row(all="ok"),
    "screening:determination_update": row(county=SCOPED, others="403"),
    "screening:finance_create": row(editors=SCOPED, readers="403"),
    "screening:finance_delete": row(county="405", others="403"),
    "screening:finance_update": row(editors=SCOPED, readers="403"),
    # Only the county section resolves a finding that stays found (POST).
    "screening:finding_resolve": row(county="405", others="403"),
    "screening:four_looks": row(all="ok"),
    "screening:import_apply": row(county="405", others="403"),
    "screening:import_list": row(county="ok", others="403"),
    "screening:import_preview": row(county=SCOPED, others="403"),
    "screening:import_template": row(county="ok", others="403"),
    "screening:import_upload": row(county="ok", others="403"),
    "screening:lead_advance": row(editors="405", readers="403"),
    "screening:lead_create": row(editors="ok", readers="403"),
    "screening:lead_detail": row(all=SCOPED),
    "screening:lead_groundless": row(editors="405", readers="403"),
    "screening:lead_key": row(all="405"),
    "screening:lead_list": row(all="ok"),
    "screening:lead_handling": row(all="ok"),
    "screening:lead_list_export": row(all="ok"),
    "screening:lead_report": row(editors="405", readers="403"),
    "screening:lead_update": row(editors=SCOPED, readers="403"),
    "screening:match_confirm": row(county="405", others="403"),
    "screening:match_list": row(county="ok", others="403"),
    "screening:match_reject": row(county="405", others="403"),
    "screening:official_count_edit": row(county=SCOPED, others="403"),
    # 负面舆情 events: an event about the sector belongs to the township that recorded it.
    "screening:opinion_event_create": row(editors="ok", readers="403"),
    "screening:opinion_event_detail": row(all=SCOPED),
    "screening:opinion_event_list": row(all="ok"),
    "screening:opinion_event_list_export": row(all="ok"),
    "screening:opinion_event_update": row(editors=SCOPED, readers="403"),
    "screening:person_role_create": row(editors=SCOPED, readers="403"),
    "screening:person_role_delete": row(county="405", others="403"),
    "screening:person_role_update": row(editors=SCOPED, readers="403"),
    "screening:prepayment_create": row(editors=SCOPED, readers="403"),
    "screening:prepayment_delete": row(county="405", others="403"),
    "screening:prepayment_export": row(all=SCOPED),
    "screening:prepayment_list": row(all=SCOPED),
    "screening:prepayment_update": row(editors=SCOPED, readers="403"),
    "screening:related_company_create": row(editors=SCOPED, readers="403"),
    "screening:related_company_delete": row(county="405", others="403"),
    "screening:related_company_update": row(editors=SCOPED, readers="403"),
    "screening:review_fund_use": row(all="ok"),
    "screening:review_flag_align": row(editors="405", readers="403"),
    "screening:review_flag_disagreements": row(all="ok"),
    "screening:review_incomplete": row(all="ok"),
    "screening:review_not_screened": row(all="ok"),
    # Spot checks: everyone reads the draws of their unit (a township: its own and
    # the county-wide ones); only the county section's POST draws (403 for the others).
    # 自查自改: township staff enter them; only the county section deletes a wrong one.
    "screening:self_check_create": row(editors=SCOPED, readers="403"),
    "screening:self_check_delete": row(county="405", others="403"),
    "screening:self_check_detail": row(all=SCOPED),
    "screening:self_check_list": row(all="ok"),
    "screening:self_check_list_export": row(all="ok"),
    "screening:self_check_missing": row(all="ok"),
    "screening:self_check_missing_export": row(all="ok"),
    "screening:self_check_update": row(editors=SCOPED, readers="403"),
    "screening:spot_check_detail": row(all=SCOPED),
    "screening:spot_check_list": row(all="ok"),
    # The field app (offline visits): the page and its list of the unit's institutions for
    # editors; its service worker is a static file anyone may fetch.
    # The review's visits to follow up (too short, too far): everyone who reads the review.
    "screening:review_implausible_visits": row(all="ok"),
    "screening:field_app": row(editors="ok", readers="403"),
    "screening:field_data": row(editors="ok", readers="403"),
    "screening:field_sw": row(**PUBLIC),
    "screening:visit_attachment": row(all=SCOPED),
    "screening:person_proposals": row(all="ok"),
    # The county level's list of disputed ID numbers: a township is never told that a
    # number it typed is carried elsewhere.
    "screening:disputed_ids": row(township="403", county="ok", readers="ok"),
    "screening:person_proposal_decide": row(all="405"),
    "screening:visit_create": row(editors=SCOPED, readers="403"),
    "screening:visit_detail": row(all=SCOPED),
    "screening:visit_list": row(all="ok"),
    "screening:visit_list_export": row(all="ok"),
    "screening:visit_reopen": row(county="405", others="403"),
    "screening:visit_submit": row(editors="405", readers="403"),
    "screening:visit_update": row(editors=SCOPED, readers="403"),
    "screening:visit_withdraw": row(editors="405", readers="403"),
    # The visit form's keep-alive: a signed-in request extends the session (no content).
    "session_ping": row(all="204", anonymous="401"),
    "set_language": row(all="redirect"),
}


def outcome(response):
    if response.status_code in (301, 302):
        return "login" if response["Location"].startswith(reverse("login")) else "redirect"
    return {200: "ok"}.get(response.status_code, str(response.status_code))


ROUTES = url_patterns()
PATTERNS = sorted(name for name in ROUTES if not name.startswith("admin:"))
# Pages whose URL names a record: for those, "ok" in another unit would be a leak.
RECORD_PAGES = {name for name in PATTERNS if "pk>" in ROUTES[name]}


def test_every_url_pattern_has_a_row_in_the_table():
    missing = [name for name in PATTERNS if name not in EXPECTED]

    assert missing == [], f"add a row to EXPECTED in tests/security/test_url_matrix.py: {missing}"


def test_the_table_never_lets_a_record_of_another_unit_open():
    leaks = [
        (name, cell)
        for name in RECORD_PAGES & EXPECTED.keys()
        for cell, value in EXPECTED[name].items()
        if cell[1] == "other" and value == "ok"
    ]

    assert leaks == []


@pytest.mark.parametrize("name", [n for n in PATTERNS if n in EXPECTED])
def test_url_answers_each_role_as_the_table_says(name, media_root):
    world = World()
    observed = {}
    for role in ROLES:
        for scope in ("own", "other"):
            client = Client()
            if role != "anonymous":
                client.force_login(world.users[role])
            response = client.get(url_for(name, world, World.place_for(role, scope)))
            observed[(role, scope)] = outcome(response)

    wanted = EXPECTED[name]
    differences = {cell: (wanted[cell], observed[cell]) for cell in wanted}
    differences = {cell: pair for cell, pair in differences.items() if pair[0] != pair[1]}
    assert differences == {}, f"{name}: (expected, got) per (role, unit)"


ADMIN_PAGES = sorted(
    name
    for name, route in ROUTES.items()
    if name.startswith("admin:")
    and not any(mark in route for mark in "<^(")
    and name not in {"admin:login", "admin:logout", "admin:jsi18n"}
)


@pytest.mark.parametrize("role", ["township", "county", "leader", "anonymous"])
def test_the_admin_site_sends_everyone_but_staff_to_its_login(role):
    world = World()
    client = Client()
    if role != "anonymous":
        client.force_login(world.users[role])

    outcomes = {name: client.get(reverse(name)).status_code for name in ADMIN_PAGES}

    assert set(outcomes.values()) == {302}, outcomes


def test_administrator_opens_the_admin_site():
    client = Client()
    client.force_login(World().users["administrator"])

    assert client.get(reverse("admin:index")).status_code == 200


# --- the admin site's record pages (issue 19, finding 2) ------------------------------------

# Change, history and password pages of the admin's records, per place: a unit administrator
# opens those of their own county (200) and gets the admin's "not found" (a redirect to its
# index) for another county's; everyone without staff rights is sent to the admin's login.
ADMIN_RECORD_PAGES = {
    "admin:accounts_user_change": lambda w, p: w.staff_user(p),
    "admin:accounts_user_history": lambda w, p: w.staff_user(p),
    "admin:auth_user_password_change": lambda w, p: w.staff_user(p),
    "admin:accounts_orgunit_change": lambda w, p: w.townships[p],
    "admin:accounts_orgunit_history": lambda w, p: w.townships[p],
    "admin:institutions_institution_change": lambda w, p: w.institution(p),
    "admin:institutions_institution_history": lambda w, p: w.institution(p),
}


def admin_outcome(response):
    if response.status_code == 302:
        location = response["Location"]
        logins = (reverse("admin:login"), reverse("login"))
        return "login" if location.startswith(logins) else "not found"
    return {200: "ok", 404: "not found"}.get(response.status_code, str(response.status_code))


def test_admin_record_pages_are_in_the_table():
    for name in ADMIN_RECORD_PAGES:
        assert name in ROUTES, name


def test_admin_history_version_page_of_another_county_is_not_found(client):
    from accounts.demo import admin_group

    world = World()
    administrator = world.users["administrator"]
    administrator.groups.add(admin_group())
    client.force_login(administrator)
    answers = {}
    for place in ("A", "C"):
        institution = world.institution(place)
        version = institution.history.latest().history_id
        url = reverse(
            "admin:institutions_institution_simple_history", args=[institution.pk, version]
        )
        answers[place] = client.get(url).status_code

    assert answers == {"A": 200, "C": 404}


@pytest.mark.parametrize("name", sorted(ADMIN_RECORD_PAGES))
def test_admin_record_pages_answer_each_role_within_its_subtree(name):
    from accounts.demo import admin_group

    world = World()
    world.users["administrator"].groups.add(admin_group())
    observed = {}
    for role in ROLES:
        for scope in ("own", "other"):
            client = Client()
            if role != "anonymous":
                client.force_login(world.users[role])
            record = ADMIN_RECORD_PAGES[name](world, World.place_for(role, scope))
            observed[(role, scope)] = admin_outcome(client.get(reverse(name, args=[record.pk])))

    expected = {(role, scope): "login" for role in ROLES for scope in ("own", "other")}
    expected[("administrator", "own")] = "ok"
    expected[("administrator", "other")] = "not found"
    assert observed == expected
