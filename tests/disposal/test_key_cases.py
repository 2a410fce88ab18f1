"""Key cases: 区县方案 二(二)五 实施"攻坚行动"，对前期排查掌握的重点线索、重点案件 …
"一院一策"，逐一推动化解. The county section marks a case 重点; lists filter by it and the
county's board shows key cases first."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from disposal.models import DisposalAction, DisposalCase
from disposal.selectors.actions import board_lists, key_cases
from disposal.services.actions import apply_level, mark_key_case
from tests.factories import InstitutionFactory

pytestmark = pytest.mark.django_db


def today():
    return timezone.localdate()


def case_of(institution):
    return DisposalCase.objects.get(institution=institution)


def rated(township, county_user, level, approved_on=None, **kwargs):
    institution = InstitutionFactory(township=township, **kwargs)
    apply_level(institution, level, user=county_user, today=approved_on or today())
    return institution


def key_url(institution):
    return reverse("disposal:case_key", args=[institution.pk])


def test_county_marks_a_case_as_key_with_a_reason_and_unmarks_it(client_for, county_user, township):
    institution = rated(township, county_user, "red")
    client = client_for(county_user)

    response = client.post(key_url(institution), {"is_key": "yes", "reason": "涉稳风险突出"})

    assert response.status_code == 302
    case = case_of(institution)
    assert case.is_key is True
    record = case.history.first()
    assert record.history_user == county_user
    assert "涉稳风险突出" in record.history_change_reason
    page = client.get(institution.get_absolute_url()).content.decode()
    assert 'id="key-case"' in page

    client.post(key_url(institution), {"is_key": "no"})
    assert case_of(institution).is_key is False


def test_only_the_county_marks_key_cases_and_another_township_is_not_found(
    client_for, county_user, township_user, leader, township, other_township
):
    mine = rated(township, county_user, "orange")
    foreign = rated(other_township, county_user, "orange")
    data = {"is_key": "yes"}

    assert client_for(township_user).post(key_url(foreign), data).status_code == 404
    assert client_for(township_user).post(key_url(mine), data).status_code == 403
    assert client_for(leader).post(key_url(mine), data).status_code == 403
    assert client_for(county_user).get(key_url(mine)).status_code == 405
    assert not DisposalCase.objects.filter(is_key=True).exists()


def test_an_institution_without_an_approved_level_cannot_be_a_key_case(
    client_for, county_user, township
):
    institution = InstitutionFactory(township=township)
    client_for(county_user).post(key_url(institution), {"is_key": "yes"})
    assert not DisposalCase.objects.exists()


def test_the_action_list_filters_the_actions_of_key_cases(client_for, county_user, township):
    key = rated(township, county_user, "orange", name="重点养老院")
    rated(township, county_user, "orange", name="一般养老院")
    mark_key_case(user=county_user, institution=key, is_key=True)

    page = client_for(county_user).get(reverse("disposal:action_list") + "?key=yes")

    content = page.content.decode()
    assert "重点养老院" in content
    assert "一般养老院" not in content
    assert f'href="{key.get_absolute_url()}"' in content  # still a link, with its badge
    assert page.context["table"].paginator.count == 4  # the orange actions of the key case


def test_the_county_board_shows_key_cases_first(client_for, county_user, township):
    late = today() - timedelta(days=40)
    ordinary = rated(township, county_user, "orange", approved_on=late - timedelta(days=10))
    key = rated(township, county_user, "yellow", approved_on=late, name="攻坚养老院")
    red_key = rated(township, county_user, "red", approved_on=late, name="红色攻坚养老院")
    for institution in (key, red_key):
        mark_key_case(user=county_user, institution=institution, is_key=True)

    overdue = board_lists(county_user)["overdue"]
    # 3 yellow and 5 red actions are past their time limit (urging refunds has 60 days).
    assert {a.institution for a in overdue[:8]} == {key, red_key}
    assert overdue[-1].institution == ordinary

    page = client_for(county_user).get(reverse("disposal:board"))
    cases = page.context["key_cases"]
    assert [c.institution for c in cases] == [red_key, key]  # most serious first
    assert (cases[0].open_actions, cases[0].overdue_actions) == (6, 5)
    content = page.content.decode()
    assert content.index('id="key-cases"') < content.index('id="board-figures"')


def test_a_township_board_shows_only_its_own_key_cases(
    client_for, county_user, township_user, township, other_township
):
    mine = rated(township, county_user, "orange", name="本镇重点院")
    foreign = rated(other_township, county_user, "orange", name="外镇重点院")
    for institution in (mine, foreign):
        mark_key_case(user=county_user, institution=institution, is_key=True)

    assert [c.institution for c in key_cases(township_user)] == [mine]
    content = client_for(township_user).get(reverse("disposal:board")).content.decode()
    assert "外镇重点院" not in content
    filtered = client_for(township_user).get(reverse("disposal:action_list") + "?key=yes")
    assert "外镇重点院" not in filtered.content.decode()


def queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_board_and_key_list_queries_do_not_grow_with_the_key_cases(
    client, county_user, township, other_township, django_assert_max_num_queries
):
    client.force_login(county_user)
    board = reverse("disposal:board")
    listed = reverse("disposal:action_list") + "?key=yes&state=open"
    for township_ in (township, other_township):
        institution = rated(township_, county_user, "orange", approved_on=today() - timedelta(30))
        mark_key_case(user=county_user, institution=institution, is_key=True)
    small_board, small_list = queries(client, board), queries(client, listed)

    for n in range(18):
        institution = rated(
            township if n % 2 else other_township,
            county_user,
            "red",
            approved_on=today() - timedelta(days=n),
        )
        mark_key_case(user=county_user, institution=institution, is_key=True)
    assert DisposalAction.objects.filter(case__is_key=True).count() == 2 * 4 + 18 * 6

    with django_assert_max_num_queries(small_board):
        queries(client, board)
    with django_assert_max_num_queries(small_list):
        queries(client, listed)
