"""Who is notified: the 线索通报 action's recipient is a county setting, proposed on
the action's form and changed there by hand. District plan: 向属地人民政府和政法部门进行线索通报;
衡山县: 及时向县民政局养老股通报."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from disposal.levels import ActionType
from disposal.models import DisposalAction, DisposalPolicy
from disposal.selectors.settings import notification_recipient
from disposal.services.actions import apply_level
from disposal.services.settings import save_notification_recipient
from tests.factories import CountyFactory, InstitutionFactory, TownshipFactory, UserFactory
from tests.formdata import post_data, version_of_page

pytestmark = pytest.mark.django_db
SETTINGS = "disposal:deadline_settings"


@pytest.fixture
def notification(township, county_user):
    institution = InstitutionFactory(township=township)
    apply_level(institution, "orange", user=county_user)
    return DisposalAction.objects.get(
        institution=institution, action_type=ActionType.LEAD_NOTIFICATION
    )


def form_of(client, action):
    return client.get(reverse("disposal:action_update", args=[action.pk])).context["form"]


def test_without_a_setting_the_form_proposes_the_district_plans_recipient(
    client_for, township_user, notification
):
    form = form_of(client_for(township_user), notification)

    assert form["counterpart"].value() == "属地人民政府和政法部门"
    assert "属地人民政府和政法部门" in form.fields["counterpart"].help_text


def test_county_sets_hengshans_recipient_and_every_notification_form_proposes_it(
    client_for, county_user, township_user, county, notification
):
    client = client_for(county_user)
    page = client.get(reverse(SETTINGS)).content.decode()
    assert 'name="lead_notification_recipient"' in page
    assert 'value="属地人民政府和政法部门"' in page

    version = version_of_page(client, reverse(SETTINGS), "recipient_form")
    response = client.post(
        reverse(SETTINGS),
        {"lead_notification_recipient": " 衡山县民政局养老股 ", "save_recipient": "1", **version},
    )

    assert response.status_code == 302
    policy = DisposalPolicy.objects.get(unit=county)
    assert policy.lead_notification_recipient == "衡山县民政局养老股"
    assert policy.mechanism_for_every_orange is False  # the other choice is left as it was
    entry = policy.history.get()
    assert entry.history_user == county_user
    assert entry.history_change_reason == "线索通报对象：衡山县民政局养老股"
    form = form_of(client_for(township_user), notification)
    assert form["counterpart"].value() == "衡山县民政局养老股"


def test_the_proposal_is_changed_by_hand_and_what_was_typed_is_kept(
    client_for, county_user, township_user, county, notification
):
    save_notification_recipient(user=county_user, unit=county, recipient="衡山县民政局养老股")
    client = client_for(township_user)
    data = post_data(
        form_of(client, notification),
        status="done",
        carried_out_on=notification.required_on.isoformat(),
        counterpart="开云镇人民政府、县委政法委",
    )

    response = client.post(reverse("disposal:action_update", args=[notification.pk]), data)

    assert response.status_code == 302
    notification.refresh_from_db()
    assert notification.counterpart == "开云镇人民政府、县委政法委"
    assert form_of(client, notification)["counterpart"].value() == "开云镇人民政府、县委政法委"
    latest = notification.history.order_by("-history_date", "-pk").first()
    assert latest.history_user == township_user


def test_a_proposal_accepted_as_it_stands_is_saved_with_the_action(
    client_for, township_user, notification
):
    client = client_for(township_user)
    data = post_data(form_of(client, notification), status="in_progress")

    client.post(reverse("disposal:action_update", args=[notification.pk]), data)

    notification.refresh_from_db()
    assert notification.counterpart == "属地人民政府和政法部门"


def test_other_actions_are_not_proposed_a_recipient(client_for, township_user, notification):
    talk = DisposalAction.objects.get(
        institution=notification.institution, action_type=ActionType.WARNING_TALK
    )

    assert form_of(client_for(township_user), talk)["counterpart"].value() in ("", None)


def test_a_countys_recipient_does_not_reach_another_county(county_user, county, notification):
    save_notification_recipient(user=county_user, unit=county, recipient="县民政局养老股")
    far = InstitutionFactory(township=TownshipFactory(parent=CountyFactory(name="衡东县")))

    assert notification_recipient(notification.institution) == "县民政局养老股"
    assert notification_recipient(far) == "属地人民政府和政法部门"


def test_only_the_county_section_sets_the_recipient_and_never_empty(
    client_for, county_user, township_user, leader, county
):
    for user in (township_user, leader):
        with pytest.raises(PermissionDenied):
            save_notification_recipient(user=user, unit=county, recipient="县民政局养老股")
        response = client_for(user).post(
            reverse(SETTINGS),
            {"lead_notification_recipient": "县民政局养老股", "save_recipient": "1"},
        )
        assert response.status_code == 403
    far_county = CountyFactory(name="衡东县")
    with pytest.raises(PermissionDenied):
        save_notification_recipient(user=county_user, unit=far_county, recipient="政法委")
    with pytest.raises(ValidationError):
        save_notification_recipient(user=county_user, unit=county, recipient="  ")

    client = client_for(county_user)
    version = version_of_page(client, reverse(SETTINGS), "recipient_form")
    response = client.post(
        reverse(SETTINGS), {"lead_notification_recipient": "", "save_recipient": "1", **version}
    )

    assert response.status_code == 200
    assert response.context["recipient_form"].errors["lead_notification_recipient"]
    assert not DisposalPolicy.objects.exists()


def test_saving_the_same_recipient_again_adds_no_history(county_user, county):
    save_notification_recipient(user=county_user, unit=county, recipient="县民政局养老股")
    save_notification_recipient(user=county_user, unit=county, recipient="县民政局养老股")

    assert DisposalPolicy.objects.get(unit=county).history.count() == 1


def test_a_reviewer_of_another_county_keeps_its_own_recipient(county, county_user):
    far_county = CountyFactory(name="衡东县")
    far_reviewer = UserFactory(username="hengdong", unit=far_county, role=county_user.role)
    save_notification_recipient(user=county_user, unit=county, recipient="县民政局养老股")
    save_notification_recipient(user=far_reviewer, unit=far_county, recipient="属地镇政府")

    far = InstitutionFactory(township=TownshipFactory(parent=far_county))

    assert notification_recipient(far) == "属地镇政府"
