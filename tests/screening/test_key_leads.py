"""Key leads: 区县方案 二(二)五 攻坚行动, 对前期排查掌握的重点线索. The county section
marks a lead 重点 (audited); the lead list filters by it."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from screening.models import Lead
from tests.screening.test_leads import LeadFactory

pytestmark = pytest.mark.django_db


def key_url(lead):
    return reverse("screening:lead_key", args=[lead.pk])


def test_county_marks_a_lead_as_key_with_a_reason_and_unmarks_it(client_for, county_user, township):
    lead = LeadFactory(unit=township, subject="某康养中心以投资床位为名集资")
    client = client_for(county_user)

    response = client.post(key_url(lead), {"is_key": "yes", "reason": "涉案金额大"})

    assert response.status_code == 302
    lead.refresh_from_db()
    assert lead.is_key is True
    record = lead.history.first()
    assert record.history_user == county_user
    assert "涉案金额大" in record.history_change_reason
    assert 'id="key-lead"' in client.get(response["Location"]).content.decode()

    client.post(key_url(lead), {"is_key": "no"})
    lead.refresh_from_db()
    assert lead.is_key is False


def test_only_the_county_marks_key_leads_and_another_township_is_not_found(
    client_for, county_user, township_user, leader, township, other_township
):
    mine = LeadFactory(unit=township)
    foreign = LeadFactory(unit=other_township)

    assert client_for(township_user).post(key_url(foreign), {"is_key": "yes"}).status_code == 404
    assert client_for(township_user).post(key_url(mine), {"is_key": "yes"}).status_code == 403
    assert client_for(leader).post(key_url(mine), {"is_key": "yes"}).status_code == 403
    assert not Lead.objects.filter(is_key=True).exists()
    detail = client_for(township_user).get(reverse("screening:lead_detail", args=[mine.pk]))
    assert key_url(mine) not in detail.content.decode()


def test_the_lead_list_filters_key_leads_within_the_users_scope(
    client_for, county_user, township_user, township, other_township
):
    key = LeadFactory(unit=township, subject="重点线索甲", is_key=True)
    LeadFactory(unit=township, subject="一般线索乙")
    LeadFactory(unit=other_township, subject="外镇重点线索", is_key=True)

    county = client_for(county_user).get(reverse("screening:lead_list") + "?key=yes")
    content = county.content.decode()
    assert "重点线索甲" in content and "外镇重点线索" in content
    assert "一般线索乙" not in content

    own = client_for(township_user).get(reverse("screening:lead_list") + "?key=yes")
    assert [row.record for row in own.context["table"].page.object_list] == [key]


def test_the_key_lead_list_uses_a_constant_number_of_queries(
    client, county_user, township, other_township, django_assert_max_num_queries
):
    client.force_login(county_user)
    url = reverse("screening:lead_list") + "?key=yes"
    LeadFactory.create_batch(2, unit=township, is_key=True)
    with CaptureQueriesContext(connection) as small:
        client.get(url)

    LeadFactory.create_batch(10, unit=township, is_key=True)
    LeadFactory.create_batch(10, unit=other_township, is_key=True)
    with django_assert_max_num_queries(len(small)):
        assert client.get(url).status_code == 200
