"""Pages and POST actions of the rating, for every role; scoping; constant queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from risklists import services
from risklists.models import Assessment, LevelChange, ReviewState, ThresholdVersion
from tests.factories import InstitutionFactory, VenueFactory

from .factories import invest, visit

pytestmark = pytest.mark.django_db
ACTIONS = ("submit", "approve", "return", "raise", "lower")


def post_action(client, name, assessment, **data):
    payload = {"reason": "理由", "level": "red" if name == "raise" else "yellow", **data}
    return client.post(reverse(f"risklists:{name}", args=[assessment.pk]), payload)


def refreshed(assessment):
    return Assessment.objects.get(pk=assessment.pk)


# --- the list -------------------------------------------------------------------------------


def red_venue(township, name="开云镇某颐养之家"):
    venue = VenueFactory(township=township, name=name)
    invest(venue)
    return venue


def test_list_shows_red_first_with_the_fired_clauses(client_for, county_user, township, orange):
    red = red_venue(township)
    green = InstitutionFactory(township=township, name="开云镇平安养老院")
    services.rate([orange, red, green])
    response = client_for(county_user).get(reverse("risklists:list"))
    rows = list(response.context["table"].page.object_list)
    assert [row.record for row in rows] == [red, orange]
    content = response.content.decode()
    assert "未经登记开展养老服务活动且收取大额预付费" in content
    assert "收取大额预付费且资金使用不规范" in content
    assert green.name not in content


def test_township_user_never_sees_another_townships_rows(
    client_for, township_user, orange, foreign, other_township
):
    services.rate([orange])
    client = client_for(township_user)
    for query in ("", f"?township={other_township.pk}", "?q=白果", "?level=orange"):
        content = client.get(reverse("risklists:list") + query).content.decode()
        assert foreign.institution.name not in content
    assert orange.name in client.get(reverse("risklists:list")).content.decode()


def test_list_filters_by_township_level_state_and_kind(
    client_for, county_user, township, orange, foreign, other_township
):
    red = red_venue(township)
    services.rate([orange, red])
    client = client_for(county_user)

    def names(query):
        response = client.get(reverse("risklists:list") + query)
        return {row.record.name for row in response.context["table"].page.object_list}

    everyone = {orange.name, red.name, foreign.institution.name}
    assert names("") == everyone
    assert names(f"?township={other_township.pk}") == {foreign.institution.name}
    assert names("?level=red") == {red.name}
    assert names("?state=submitted") == {foreign.institution.name}
    assert names("?kind=venue") == {red.name}
    assert names("?kind=registered") == {orange.name, foreign.institution.name}


def list_queries(client, township, n, offset):
    for i in range(n):
        institution = red_venue(township, name=f"开云镇颐养之家{offset + i}")
        services.rate([institution])
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("risklists:list"))
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_list_takes_the_same_queries_for_3_and_30_rows(
    client_for, county_user, township, django_assert_max_num_queries
):
    client = client_for(county_user)
    small = list_queries(client, township, 3, 0)
    large = list_queries(client, township, 30, 100)
    assert small == large
    # 12, and 2 for the county section's "needs attention now" panel (core/attention.py).
    with django_assert_max_num_queries(14):
        client.get(reverse("risklists:list") + f"?township={township.pk}&level=red")


# --- the institution panel ------------------------------------------------------------------


def panel(client, institution):
    response = client.get(reverse("institutions:detail", args=[institution.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_panel_shows_clauses_evidence_and_compliance_checks(client_for, county_user, proposal):
    content = panel(client_for(county_user), proposal.institution)
    assert 'id="rating-panel"' in content
    assert "收取大额预付费且资金使用不规范" in content
    assert "80,000.00" in content  # the evidence, as an amount
    assert "预收服务费用的周期不得超过12个月" in content  # 民发〔2024〕19号 checks
    assert 'data-check="C5" data-passed="true"' in content
    assert 'data-check="C1" data-passed="unknown"' in content


def test_panel_offers_each_role_its_own_buttons(
    client_for, township_user, county_user, leader, proposal
):
    institution = proposal.institution
    assert 'id="submit-rating"' in panel(client_for(township_user), institution)
    assert 'id="approve-rating"' not in panel(client_for(county_user), institution)
    services.submit(user=township_user, assessment=proposal)
    county_page = panel(client_for(county_user), institution)
    assert 'id="approve-rating"' in county_page
    assert reverse("risklists:lower", args=[proposal.pk]) in county_page
    township_page = panel(client_for(township_user), institution)
    assert 'id="submit-rating"' not in township_page and 'id="approve-rating"' not in township_page
    leader_page = panel(client_for(leader), institution)
    assert "data-actions" not in leader_page
    assert "收取大额预付费且资金使用不规范" in leader_page


def test_panel_of_an_unrated_institution_says_so(client_for, county_user, township):
    institution = InstitutionFactory(township=township)
    assert "data-hits" not in panel(client_for(county_user), institution)


# --- the POST actions, role by role ---------------------------------------------------------


def test_township_user_submits_but_cannot_decide(client_for, township_user, proposal):
    client = client_for(township_user)
    assert post_action(client, "submit", proposal).status_code == 302
    assert refreshed(proposal).state == ReviewState.SUBMITTED
    for name in ("approve", "return", "raise", "lower"):
        assert post_action(client, name, proposal).status_code == 403, name
    assert refreshed(proposal).state == ReviewState.SUBMITTED


def test_township_user_gets_404_for_another_townships_assessment(
    client_for, township_user, foreign
):
    client = client_for(township_user)
    for name in ACTIONS:
        assert post_action(client, name, foreign).status_code == 404, name
    assert refreshed(foreign).state == ReviewState.SUBMITTED
    detail = reverse("institutions:detail", args=[foreign.institution_id])
    assert client.get(detail).status_code == 404  # nor its rating panel


def test_leader_and_administrator_get_403_on_every_post(
    client_for, leader, administrator, submitted
):
    for user in (leader, administrator):
        client = client_for(user)
        for name in ACTIONS:
            assert post_action(client, name, submitted).status_code == 403, (user, name)
        response = client.post(
            reverse("risklists:review_selected"), {"action": "approve", "ids": [submitted.pk]}
        )
        assert response.status_code == 403
    assert refreshed(submitted).state == ReviewState.SUBMITTED


def test_county_section_does_not_submit_for_a_township(client_for, county_user, proposal):
    assert post_action(client_for(county_user), "submit", proposal).status_code == 403
    assert refreshed(proposal).state == ReviewState.PROPOSED


def test_county_approves_a_submitted_proposal(client_for, county_user, submitted):
    response = post_action(client_for(county_user), "approve", submitted)
    assert response.status_code == 302
    assert response["Location"].endswith("#rating-panel")
    assert refreshed(submitted).state == ReviewState.APPROVED


def test_county_returns_only_with_a_reason(client_for, county_user, submitted):
    client = client_for(county_user)
    post_action(client, "return", submitted, reason="")
    assert refreshed(submitted).state == ReviewState.SUBMITTED
    post_action(client, "return", submitted, reason="走访记录未提交")
    assessment = refreshed(submitted)
    assert assessment.state == ReviewState.RETURNED
    assert assessment.return_reason == "走访记录未提交"


def test_county_lowering_without_a_reason_is_refused(client_for, county_user, submitted):
    client = client_for(county_user)
    response = post_action(client, "lower", submitted, reason="")
    assert response.status_code == 302
    assert refreshed(submitted).override_level == ""
    assert not LevelChange.objects.exists()
    follow = client.get(response["Location"])
    assert "降低等级必须写明理由" in follow.content.decode()
    post_action(client, "lower", submitted, level="yellow", reason="已全部清退")
    assert refreshed(submitted).shown_level == "yellow"


def test_county_raises_a_level(client_for, county_user, submitted):
    post_action(client_for(county_user), "raise", submitted, level="red", reason="")
    assessment = refreshed(submitted)
    assert (assessment.shown_level, assessment.state) == ("red", ReviewState.APPROVED)


def test_actions_accept_only_post(client_for, county_user, submitted):
    response = client_for(county_user).get(reverse("risklists:approve", args=[submitted.pk]))
    assert response.status_code == 405


# --- the review queue -----------------------------------------------------------------------


def test_county_queue_lists_submitted_proposals(client_for, county_user, submitted, foreign):
    response = client_for(county_user).get(reverse("risklists:review"))
    assert {a.pk for a in response.context["assessments"]} == {submitted.pk, foreign.pk}


def test_township_queue_lists_only_its_townships_proposals(
    client_for, township_user, proposal, foreign
):
    client = client_for(township_user)
    response = client.get(reverse("risklists:review"))
    assert [a.pk for a in response.context["assessments"]] == [proposal.pk]
    response = client.get(reverse("risklists:review") + "?state=submitted")
    assert response.context["assessments"] == []


def test_selected_proposals_are_submitted_then_approved_together(
    client_for, township_user, county_user, township, orange, django_assert_max_num_queries
):
    other = red_venue(township)
    created = services.rate([orange, other]).created
    ids = [a.pk for a in created]
    client = client_for(township_user)
    client.post(reverse("risklists:review_selected"), {"action": "submit", "ids": ids})
    assert set(Assessment.objects.values_list("state", flat=True)) == {ReviewState.SUBMITTED}
    response = client.post(reverse("risklists:review_selected"), {"action": "approve", "ids": ids})
    assert response.status_code == 403
    client = client_for(county_user)
    with django_assert_max_num_queries(12):
        client.get(reverse("risklists:review"))
    client.post(reverse("risklists:review_selected"), {"action": "approve", "ids": ids})
    assert set(Assessment.objects.values_list("state", flat=True)) == {ReviewState.APPROVED}


def test_bulk_actions_skip_another_townships_proposals(
    client_for, township_user, county_user, proposal, foreign
):
    client_for(township_user).post(
        reverse("risklists:review_selected"),
        {"action": "submit", "ids": [proposal.pk, foreign.pk]},
    )
    assert refreshed(proposal).state == ReviewState.SUBMITTED
    assert refreshed(foreign).submitted_by != township_user


# --- thresholds -----------------------------------------------------------------------------


THRESHOLDS = {
    "fast_expansion_branches": "3",
    "frequent_changes": "2",
    "complaints": "1",
    "prepaid_fee_months": "6",
    "large_amount_fee_unknown": "50000",
    "deposit_months": "12",
    "fund_use_unverified_level": "yellow",
    "operations_check_level": "yellow",
    "rule_C1": "",
    "rule_C2": "",
    "rule_C3": "red",
    "rule_C4": "",
    "rule_C5": "",
    "note": "收紧",
    "based_on": "0",  # the county had no version of its own when the page was opened
}


def test_only_the_county_section_opens_the_thresholds(
    client_for, township_user, leader, county_user
):
    url = reverse("risklists:thresholds")
    for user in (township_user, leader):
        client = client_for(user)
        assert client.get(url).status_code == 403
        assert client.post(url, {**THRESHOLDS, "save": "1"}).status_code == 403
    assert client_for(county_user).get(url).status_code == 200
    assert not ThresholdVersion.objects.exists()


def test_threshold_preview_says_who_would_change_and_writes_nothing(
    client_for, county_user, township, township_user
):
    institution = InstitutionFactory(township=township, beds=1, name="开云镇康乐养老院")
    invest(institution, "甲", "1000")
    invest(institution, "乙", "1000")
    visit(institution, township_user, fund_use="operations")
    services.rate([institution])  # orange: O5 (2 payers, 1 bed)
    before = (
        Assessment.objects.count(),
        Assessment.history.count(),
        ThresholdVersion.objects.count(),
    )
    client = client_for(county_user)
    with CaptureQueriesContext(connection) as ctx:
        response = client.post(reverse("risklists:thresholds"), {**THRESHOLDS, "preview": "1"})
    assert response.status_code == 200
    writes = [
        q["sql"]
        for q in ctx.captured_queries
        if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
        and "django_session" not in q["sql"]
    ]
    assert writes == []
    assert (
        Assessment.objects.count(),
        Assessment.history.count(),
        ThresholdVersion.objects.count(),
    ) == before
    preview = response.context["preview"]
    assert preview.changed == 1 and preview.raised == 1
    row = preview.rows[0]
    assert (row.institution, row.level_now, row.level_new) == (institution, "orange", "red")
    assert "C3" in row.codes_new


def test_saving_thresholds_creates_a_version_and_rerates(
    client_for, county_user, township, django_capture_on_commit_callbacks
):
    institution = InstitutionFactory(township=township, beds=1)
    invest(institution, "甲")
    invest(institution, "乙")
    services.rate([institution])
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(county_user).post(
            reverse("risklists:thresholds"), {**THRESHOLDS, "save": "1"}
        )
    assert response.status_code == 302
    version = ThresholdVersion.objects.get()
    assert (version.number, version.note, version.values["compliance_rules"]) == (
        1,
        "收紧",
        {"C3": "red"},
    )
    latest = Assessment.objects.filter(institution=institution).order_by("-pk").first()
    assert latest.threshold_version == version and latest.level == "red"


def test_invalid_thresholds_go_back_to_the_form(client_for, county_user):
    response = client_for(county_user).post(
        reverse("risklists:thresholds"), {**THRESHOLDS, "complaints": "0", "save": "1"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not ThresholdVersion.objects.exists()


# --- changes page ---------------------------------------------------------------------------


def test_changes_page_lists_only_the_users_township(
    client_for, township_user, county_user, submitted, foreign
):
    services.approve(user=county_user, assessment=submitted)
    services.approve(user=county_user, assessment=foreign)
    response = client_for(township_user).get(reverse("risklists:changes"))
    assert [row.institution for row in response.context["changes"].rows] == [submitted.institution]
    county_rows = client_for(county_user).get(reverse("risklists:changes")).context["changes"]
    assert county_rows.totals["new"] == 2


def test_another_townships_changes_answer_404(client_for, township_user, other_township):
    url = reverse("risklists:changes") + f"?township={other_township.pk}"
    assert client_for(township_user).get(url).status_code == 404


def test_review_queue_filtered_on_another_township_shows_nothing(
    client_for, township_user, proposal, foreign, other_township
):
    response = client_for(township_user).get(
        reverse("risklists:review") + f"?township={other_township.pk}&state=submitted"
    )
    assert response.status_code == 200
    assert foreign.institution.name not in response.content.decode()


def test_changes_page_takes_a_constant_number_of_queries(
    client_for, county_user, township_user, township, django_assert_max_num_queries
):
    for i in range(5):
        venue = red_venue(township, name=f"开云镇颐养之家{i}")
        [assessment] = services.rate([venue]).created
        services.submit(user=township_user, assessment=assessment)
        services.approve(user=county_user, assessment=assessment)
    client = client_for(county_user)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("risklists:changes"))
    assert response.context["changes"].totals["new"] == 5


def test_the_county_sets_the_levels_of_unverified_fund_use_and_of_operations_checks(
    client_for, county_user, township, django_capture_on_commit_callbacks
):
    institution = InstitutionFactory(township=township, beds=50)
    invest(institution)  # a large prepayment, its use never recorded: V1
    services.rate([institution])
    client = client_for(county_user)
    page = client.get(reverse("risklists:thresholds")).content.decode()
    assert 'name="fund_use_unverified_level"' in page and 'name="operations_check_level"' in page
    data = {
        **THRESHOLDS,
        "rule_C3": "",
        "fund_use_unverified_level": "orange",
        "operations_check_level": "red",
        "save": "1",
    }
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(reverse("risklists:thresholds"), data).status_code == 302
    values = ThresholdVersion.objects.get().values
    assert (values["fund_use_unverified_level"], values["operations_check_level"]) == (
        "orange",
        "red",
    )
    latest = Assessment.objects.filter(institution=institution).order_by("-pk").first()
    assert (latest.level, latest.codes) == ("orange", ["V1"])
    refused = client.post(
        reverse("risklists:thresholds"), {**data, "operations_check_level": "green"}
    )
    assert refused.status_code == 200 and ThresholdVersion.objects.count() == 1
