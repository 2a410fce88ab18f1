"""纳入处非机制 where the plans differ: the district plan enters only those
属于非法集资的, 衡山县 every orange institution. The county chooses (audited), and adds a
conditional action to a case by hand, with a reason."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from disposal.levels import ActionType
from disposal.models import DisposalAction, DisposalPolicy
from disposal.selectors.settings import disposal_policy
from disposal.services.actions import add_conditional_action, apply_level
from disposal.services.settings import save_disposal_policy
from tests.factories import CountyFactory, InstitutionFactory, TownshipFactory
from tests.formdata import version_of_page

pytestmark = pytest.mark.django_db
TODAY = date(2026, 3, 2)
MECHANISM = ActionType.FUNDRAISING_MECHANISM
JUDICIAL = ActionType.JUDICIAL_TRANSFER


def has(institution, action_type) -> bool:
    return DisposalAction.objects.filter(institution=institution, action_type=action_type).exists()


@pytest.fixture
def institution(township):
    return InstitutionFactory(township=township)


# --- the county setting ---------------------------------------------------------------------


def test_by_default_an_orange_institution_without_signs_does_not_enter_the_mechanism(
    institution, county_user
):
    apply_level(institution, "orange", user=county_user, today=TODAY)

    assert not has(institution, MECHANISM)
    assert disposal_policy(institution.scope_path).mechanism_for_every_orange is False


@pytest.mark.parametrize("level", ["orange", "red"])
def test_with_the_hengshan_rule_every_orange_and_red_institution_enters_the_mechanism(
    institution, county_user, county, level
):
    save_disposal_policy(user=county_user, unit=county, mechanism_for_every_orange=True)

    apply_level(institution, level, user=county_user, today=TODAY)

    assert has(institution, MECHANISM)
    assert not has(institution, JUDICIAL)  # still only when a crime is suspected


def test_the_rule_does_not_reach_yellow_or_another_county(institution, county_user, county):
    save_disposal_policy(user=county_user, unit=county, mechanism_for_every_orange=True)
    far = InstitutionFactory(township=TownshipFactory(parent=CountyFactory(name="衡东县")))
    far_reviewer = county_user.__class__.objects.create(
        username="hengdong", unit=far.township.parent, role=county_user.role
    )

    apply_level(institution, "yellow", user=county_user, today=TODAY)
    apply_level(far, "orange", user=far_reviewer, today=TODAY)

    assert not has(institution, MECHANISM)
    assert not has(far, MECHANISM)


def test_switching_the_rule_on_adds_the_mechanism_to_current_orange_and_red_cases(
    county_user, county, township, django_assert_max_num_queries
):
    oranges = InstitutionFactory.create_batch(5, township=township)
    for institution in oranges:
        apply_level(institution, "orange", user=county_user, today=TODAY)
    red = InstitutionFactory(township=township)
    apply_level(red, "red", user=county_user, today=TODAY)
    yellow = InstitutionFactory(township=township)
    apply_level(yellow, "yellow", user=county_user, today=TODAY)
    signs = InstitutionFactory(township=township)
    apply_level(signs, "orange", user=county_user, today=TODAY, illegal_fundraising=True)

    # One bulk write, whatever the number of cases.
    with django_assert_max_num_queries(10):
        added = save_disposal_policy(
            user=county_user, unit=county, mechanism_for_every_orange=True, today=TODAY
        )

    assert added == 6
    assert all(has(i, MECHANISM) for i in [*oranges, red, signs])
    assert not has(yellow, MECHANISM)
    action = DisposalAction.objects.get(institution=red, action_type=MECHANISM)
    assert action.deadline == date(2026, 3, 9)  # the default 7 days
    assert action.scope_path == red.scope_path
    assert action.history.get().history_user == county_user


def test_switching_it_off_again_closes_nothing_and_is_audited(institution, county_user, county):
    save_disposal_policy(user=county_user, unit=county, mechanism_for_every_orange=True)
    apply_level(institution, "orange", user=county_user, today=TODAY)

    added = save_disposal_policy(user=county_user, unit=county, mechanism_for_every_orange=False)

    assert added == 0

    assert has(institution, MECHANISM)
    policy = DisposalPolicy.objects.get(unit=county)
    assert [h.mechanism_for_every_orange for h in policy.history.order_by("history_date")] == [
        True,
        False,
    ]
    assert {h.history_user for h in policy.history.all()} == {county_user}


def test_only_the_county_section_sets_the_policy(township_user, leader, county):
    for user in (township_user, leader):
        with pytest.raises(PermissionDenied):
            save_disposal_policy(user=user, unit=county, mechanism_for_every_orange=True)
    assert not DisposalPolicy.objects.exists()


def test_county_switches_the_rule_on_its_settings_page(client_for, county_user, county):
    client = client_for(county_user)
    page = client.get(reverse("disposal:deadline_settings"))
    assert "mechanism_for_every_orange" in page.content.decode()

    version = version_of_page(client, reverse("disposal:deadline_settings"), "policy_form")
    response = client.post(
        reverse("disposal:deadline_settings"),
        {"mechanism_for_every_orange": "on", "save_policy": "1", **version},
    )

    assert response.status_code == 302
    assert DisposalPolicy.objects.get(unit=county).mechanism_for_every_orange is True
    page = client.get(reverse("disposal:deadline_settings"))
    assert page.context["policy_form"].initial == {"mechanism_for_every_orange": True}


def test_township_staff_and_leaders_cannot_post_the_policy(client_for, township_user, leader):
    for user in (township_user, leader):
        response = client_for(user).post(
            reverse("disposal:deadline_settings"),
            {"mechanism_for_every_orange": "on", "save_policy": "1"},
        )
        assert response.status_code == 403
    assert not DisposalPolicy.objects.exists()


# --- adding a conditional action by hand ------------------------------------------------------


def test_county_adds_the_mechanism_to_an_orange_case_with_a_reason(institution, county_user):
    apply_level(institution, "orange", user=county_user, today=TODAY)

    action = add_conditional_action(
        user=county_user,
        institution=institution,
        action_type=MECHANISM,
        reason="衡山县方案：橙色机构一律纳入处非机制",
        today=TODAY,
    )

    assert action.level == "orange"
    assert action.manual_reason == "衡山县方案：橙色机构一律纳入处非机制"
    assert action.deadline == date(2026, 3, 9)
    record = action.history.get()
    assert record.history_user == county_user
    assert "衡山县方案" in record.history_change_reason


def test_adding_by_hand_needs_a_reason_a_case_and_no_duplicate(institution, county_user):
    with pytest.raises(ValidationError):  # no level approved yet
        add_conditional_action(
            user=county_user, institution=institution, action_type=JUDICIAL, reason="涉嫌诈骗"
        )
    apply_level(institution, "orange", user=county_user, today=TODAY)
    with pytest.raises(ValidationError):
        add_conditional_action(
            user=county_user, institution=institution, action_type=JUDICIAL, reason="  "
        )
    with pytest.raises(ValidationError):  # not a conditional action
        add_conditional_action(
            user=county_user,
            institution=institution,
            action_type=ActionType.WARNING_TALK,
            reason="x",
        )
    add_conditional_action(
        user=county_user, institution=institution, action_type=JUDICIAL, reason="涉嫌诈骗"
    )
    with pytest.raises(ValidationError):
        add_conditional_action(
            user=county_user, institution=institution, action_type=JUDICIAL, reason="again"
        )
    assert DisposalAction.objects.filter(institution=institution, action_type=JUDICIAL).count() == 1


def test_township_staff_cannot_add_an_action_by_hand(institution, county_user, township_user):
    apply_level(institution, "orange", user=county_user, today=TODAY)
    with pytest.raises(PermissionDenied):
        add_conditional_action(
            user=township_user, institution=institution, action_type=MECHANISM, reason="x"
        )


def test_county_adds_an_action_through_the_page(client_for, institution, county_user):
    apply_level(institution, "orange", user=county_user, today=TODAY)
    client = client_for(county_user)
    url = reverse("disposal:action_add", args=[institution.pk])

    form = client.get(url).context["form"]
    assert [value for value, _label in form.fields["action_type"].choices] == [MECHANISM, JUDICIAL]

    response = client.post(url, {"action_type": MECHANISM, "reason": "群众举报涉嫌非法集资"})

    action = DisposalAction.objects.get(institution=institution, action_type=MECHANISM)
    assert response.status_code == 302
    assert response["Location"] == action.get_absolute_url()
    detail = client.get(action.get_absolute_url()).content.decode()
    assert "群众举报涉嫌非法集资" in detail
    # The action is no longer offered.
    form = client.get(url).context["form"]
    assert [value for value, _label in form.fields["action_type"].choices] == [JUDICIAL]


def test_the_page_refuses_a_missing_reason_on_the_form(client_for, institution, county_user):
    apply_level(institution, "orange", user=county_user, today=TODAY)
    response = client_for(county_user).post(
        reverse("disposal:action_add", args=[institution.pk]), {"action_type": MECHANISM}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["reason"]
    assert not has(institution, MECHANISM)


def test_add_page_scoping_and_roles(
    client_for, institution, county_user, township_user, leader, other_township
):
    apply_level(institution, "orange", user=county_user, today=TODAY)
    other = InstitutionFactory(township=other_township)
    apply_level(other, "orange", user=county_user, today=TODAY)
    data = {"action_type": MECHANISM, "reason": "x"}

    own = reverse("disposal:action_add", args=[institution.pk])
    foreign = reverse("disposal:action_add", args=[other.pk])
    township = client_for(township_user)
    assert township.get(foreign).status_code == 404
    assert township.post(foreign, data).status_code == 404
    assert township.get(own).status_code == 403
    assert township.post(own, data).status_code == 403
    reader = client_for(leader)
    assert reader.get(own).status_code == 403
    assert reader.post(own, data).status_code == 403
    assert not DisposalAction.objects.filter(action_type=MECHANISM).exists()


def test_the_institution_panel_offers_the_county_to_add_an_action(
    client_for, institution, county_user, township_user
):
    apply_level(institution, "orange", user=county_user, today=TODAY)
    url = reverse("disposal:action_add", args=[institution.pk])
    detail = reverse("institutions:detail", args=[institution.pk])

    assert url in client_for(county_user).get(detail).content.decode()
    assert url not in client_for(township_user).get(detail).content.decode()
