"""第一时间: 衡山县 §二.二 发现重大案件线索、重大风险隐患，要第一时间向县民政局养老股报告.
A new RED proposal and a lead a township marks as major reach the county section at once: a
"needs attention now" panel at the top of its home page and of the risk list, with counts."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from portal.attention import needs_attention
from risklists import services
from screening.models import Lead, LeadChannel
from screening.services.leads import handle_lead, verify_lead
from tests.factories import (
    CountyFactory,
    InstitutionFactory,
    TownshipFactory,
    UserFactory,
    VenueFactory,
)
from tests.risklists.factories import visit
from tests.screening.test_leads import LeadFactory

pytestmark = pytest.mark.django_db
PAGES = ("home", "risklists:list")


def red_proposal(township, staff, name=None):
    """An institution the engine proposes RED (R2: a suspected crime found on the visit)."""
    institution = InstitutionFactory(township=township, **({"name": name} if name else {}))
    visit(institution, staff, suspected_crime=True)
    assessment = services.rate([institution]).created[0]
    assert assessment.level == "red"
    return institution, assessment


def panel(client, page="home"):
    response = client.get(reverse(page))
    assert response.status_code == 200
    return response


def test_a_new_red_proposal_is_on_the_countys_home_and_risk_list_before_anyone_submits(
    client_for, county_user, township, township_user
):
    institution, _assessment = red_proposal(township, township_user, "涉嫌集资颐养院")
    client = client_for(county_user)

    for page in PAGES:
        response = panel(client, page)
        attention = response.context["attention"]
        assert attention.red_count == 1
        assert [i.name for i in attention.red] == ["涉嫌集资颐养院"]
        content = response.content.decode()
        # At the top: before the home page's figures, before the risk list's table.
        first = {"home": "stat-card", "risklists:list": "<table"}[page]
        assert content.index('id="attention-panel"') < content.index(first)
        assert "涉嫌集资颐养院" in content


def test_once_reviewed_the_red_proposal_leaves_the_panel(county_user, township, township_user):
    approved, assessment = red_proposal(township, township_user)
    services.submit(user=township_user, assessment=assessment)
    services.approve(user=county_user, assessment=assessment)
    _returned, other = red_proposal(township, township_user)
    services.submit(user=township_user, assessment=other)
    services.return_for_revision(user=county_user, assessment=other, reason="补充材料")

    attention = needs_attention(county_user)

    assert attention.red_count == 0
    # Re-rating an institution already approved red is not new.
    visit(approved, township_user, day=timezone.localdate(), suspected_crime=True, findings="复查")
    services.rate([approved])
    assert needs_attention(county_user).red_count == 0


def test_a_submitted_red_proposal_still_needs_attention_and_orange_does_not(
    county_user, township, township_user
):
    _institution, assessment = red_proposal(township, township_user)
    services.submit(user=township_user, assessment=assessment)
    orange = VenueFactory(township=township)  # O6: unregistered, no large prepayment
    assert services.rate([orange]).created[0].level == "orange"

    assert needs_attention(county_user).red_count == 1


def test_township_marks_a_lead_major_on_the_form_and_the_county_sees_it_at_once(
    client_for, township_user, county_user, township
):
    data = {
        "unit": township.pk,
        "channel": LeadChannel.HOTLINE_12345,
        "received_on": timezone.localdate().isoformat(),
        "subject": "某公寓以认购床位为名吸收资金",
        "content": "涉及老人三十余人，金额巨大。",
        "is_major": "on",
    }
    response = client_for(township_user).post(reverse("screening:lead_create"), data)
    assert response.status_code == 302
    lead = Lead.objects.get()
    assert lead.is_major and lead.major_since is not None
    assert lead.history.first().history_change_reason

    county = client_for(county_user)
    attention = panel(county).context["attention"]
    assert attention.major_count == 1
    assert [x.subject for x in attention.major] == ["某公寓以认购床位为名吸收资金"]
    listed = county.get(reverse("screening:lead_list") + "?major=yes").content.decode()
    assert "某公寓以认购床位为名吸收资金" in listed


def test_a_major_lead_leaves_the_panel_once_handled(county_user, township, township_user):
    lead = LeadFactory(unit=township, is_major=True, major_since=timezone.now())
    LeadFactory(unit=township, subject="一般线索")
    assert needs_attention(county_user).major_count == 1

    today = timezone.localdate()
    verify_lead(user=township_user, lead=lead, is_fraud_related=True, verified_on=today)
    assert needs_attention(county_user).major_count == 1
    handle_lead(user=township_user, lead=lead, result="已移交公安机关", handled_on=today)
    assert needs_attention(county_user).major_count == 0


def test_only_the_county_section_gets_the_panel(client_for, township_user, leader, township):
    red_proposal(township, township_user)
    for user, page in ((township_user, "home"), (leader, "reporting:dashboard")):
        response = panel(client_for(user), page)
        assert not response.context["attention"]  # no panel data at all
        assert 'id="attention-panel"' not in response.content.decode()


def test_another_countys_red_proposals_and_major_leads_are_not_shown(
    county_user, township, township_user
):
    far_township = TownshipFactory(name="大浦镇", parent=CountyFactory(name="衡东县"))
    far_staff = UserFactory(username="dapu", unit=far_township)
    red_proposal(far_township, far_staff)
    LeadFactory(unit=far_township, is_major=True, major_since=timezone.now())

    attention = needs_attention(county_user)

    assert (attention.red_count, attention.major_count) == (0, 0)


def queries(client, page):
    with CaptureQueriesContext(connection) as captured:
        panel(client, page)
    return len(captured)


@pytest.mark.parametrize("page", PAGES)
def test_the_panel_keeps_the_page_to_a_constant_number_of_queries(
    client,
    county_user,
    township,
    other_township,
    township_user,
    page,
    django_assert_max_num_queries,
):
    client.force_login(county_user)
    red_proposal(township, township_user)
    LeadFactory(unit=township, is_major=True, major_since=timezone.now())
    small = queries(client, page)

    for n in range(12):
        red_proposal(other_township if n % 2 else township, township_user)
        LeadFactory(
            unit=other_township,
            is_major=True,
            major_since=timezone.now() - timedelta(minutes=n),
        )
    assert needs_attention(county_user).red_count == 13

    with django_assert_max_num_queries(small):
        queries(client, page)
