"""Leads (线索): recording, the workflow received → verified → handled → fed back, scoping."""

from datetime import date, timedelta

import factory
import pytest
from django.urls import reverse
from django.utils import timezone
from factory.django import DjangoModelFactory

from screening.models import Lead, LeadChannel, LeadStatus
from screening.services.leads import OVERDUE_DAYS
from tests.factories import InstitutionFactory
from tests.formdata import version_of_page

pytestmark = pytest.mark.django_db


class LeadFactory(DjangoModelFactory):
    class Meta:
        model = Lead

    unit = None
    channel = LeadChannel.PLATFORM_12337
    reference = factory.Sequence(lambda n: f"12337-{n:05d}")
    received_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=3))
    reporter_name = "王秀英"
    reporter_phone = "13912345678"
    subject = factory.Sequence(lambda n: f"某养老院收取会员费{n}")
    content = "以办卡充值为名收取老人费用，承诺返利。"


def today():
    return timezone.localdate()


def lead_form(unit, **overrides):
    data = {
        "unit": unit.pk,
        "channel": LeadChannel.PLATFORM_12337,
        "reference": "12337-2026-0101",
        "received_on": today().isoformat(),
        "reporter_name": "李桂兰",
        "reporter_phone": "13800001111",
        "subject": "夕阳红颐养之家",
        "content": "诱导老人充值办卡。",
    }
    data.update(overrides)
    return data


# --- recording ------------------------------------------------------------------------


def test_township_user_records_a_lead_for_their_township(client_for, township_user, township):
    client = client_for(township_user)
    response = client.post(reverse("screening:lead_create"), lead_form(township))
    lead = Lead.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("screening:lead_detail", args=[lead.pk])
    assert lead.status == LeadStatus.RECEIVED
    assert lead.unit == township
    assert lead.scope_path == township.path
    assert lead.created_by == township_user
    assert lead.history.get().history_user == township_user


def test_township_user_cannot_record_a_lead_for_another_township(
    client_for, township_user, other_township
):
    response = client_for(township_user).post(
        reverse("screening:lead_create"), lead_form(other_township)
    )
    assert response.status_code == 200
    assert "unit" in response.context["form"].errors
    assert not Lead.objects.exists()


def test_lead_received_in_the_future_is_refused_on_the_form(client_for, township_user, township):
    tomorrow = (today() + timedelta(days=1)).isoformat()
    response = client_for(township_user).post(
        reverse("screening:lead_create"), lead_form(township, received_on=tomorrow)
    )
    assert response.status_code == 200
    assert "received_on" in response.context["form"].errors
    assert not Lead.objects.exists()


def test_linked_institution_must_lie_in_the_lead_township(
    client_for, county_user, township, other_township
):
    elsewhere = InstitutionFactory(township=other_township)
    response = client_for(county_user).post(
        reverse("screening:lead_create"), lead_form(township, institution=elsewhere.pk)
    )
    assert response.status_code == 200
    assert "institution" in response.context["form"].errors


def test_linking_an_institution_scopes_the_lead_with_it(client_for, township_user, township):
    institution = InstitutionFactory(township=township)
    lead = LeadFactory(unit=township)
    client = client_for(township_user)
    url = reverse("screening:lead_update", args=[lead.pk])
    response = client.post(
        url,
        {
            **version_of_page(client, url),
            **lead_form(township, institution=institution.pk, reported_to_county_on=today()),
        },
    )
    assert response.status_code == 302
    lead.refresh_from_db()
    assert lead.institution == institution
    assert lead.reported_to_county_on == today()
    assert lead.scope_path == institution.scope_path
    assert lead.history.count() == 2


# --- the workflow -----------------------------------------------------------------------


def advance(client, lead, **data):
    return client.post(reverse("screening:lead_advance", args=[lead.pk]), data)


def test_lead_moves_through_every_step_with_dates_and_handler(client_for, township_user, township):
    institution = InstitutionFactory(township=township)
    lead = LeadFactory(unit=township, received_on=today() - timedelta(days=5))
    client = client_for(township_user)
    day = today() - timedelta(days=4)

    response = advance(
        client,
        lead,
        is_fraud_related="yes",
        verified_on=day.isoformat(),
        institution=institution.pk,
        note="现场核实属实",
    )
    assert response.status_code == 302
    lead.refresh_from_db()
    assert (lead.status, lead.verified_on, lead.handler) == (
        LeadStatus.VERIFIED,
        day,
        township_user,
    )
    assert lead.is_fraud_related is True
    assert lead.institution == institution

    advance(client, lead, result="约谈负责人，责令退还预付费", handled_on=today().isoformat())
    lead.refresh_from_db()
    assert lead.status == LeadStatus.HANDLED
    assert lead.handled_on == today()
    assert lead.result == "约谈负责人，责令退还预付费"

    advance(client, lead, fed_back_on=today().isoformat(), note="电话告知举报人")
    lead.refresh_from_db()
    assert lead.status == LeadStatus.FED_BACK
    assert lead.fed_back_on == today()

    reasons = list(lead.history.order_by("history_date").values_list("history_change_reason"))
    assert reasons[1:] == [("现场核实属实",), ("已查办",), ("电话告知举报人",)]
    # Nothing further to do once fed back.
    response = advance(client, lead, fed_back_on=today().isoformat())
    assert response.status_code == 302
    assert lead.history.count() == 4


def test_verification_requires_the_fraud_question_answered(client_for, township_user, township):
    lead = LeadFactory(unit=township)
    response = advance(client_for(township_user), lead, verified_on=today().isoformat())
    assert response.status_code == 200
    assert "is_fraud_related" in response.context["step_form"].errors
    lead.refresh_from_db()
    assert lead.status == LeadStatus.RECEIVED


def test_verification_as_unrelated_is_recorded_as_false(client_for, township_user, township):
    lead = LeadFactory(unit=township)
    advance(client_for(township_user), lead, is_fraud_related="no", verified_on=today())
    lead.refresh_from_db()
    assert lead.status == LeadStatus.VERIFIED
    assert lead.is_fraud_related is False


def test_handling_requires_a_result_text(client_for, township_user, township):
    lead = LeadFactory(
        unit=township, status=LeadStatus.VERIFIED, verified_on=today(), is_fraud_related=True
    )
    response = advance(client_for(township_user), lead, result="  ", handled_on=today())
    assert response.status_code == 200
    assert "result" in response.context["step_form"].errors
    lead.refresh_from_db()
    assert lead.status == LeadStatus.VERIFIED


def test_step_dated_before_the_previous_step_is_refused(client_for, township_user, township):
    lead = LeadFactory(unit=township, received_on=today() - timedelta(days=2))
    response = advance(
        client_for(township_user),
        lead,
        is_fraud_related="yes",
        verified_on=(today() - timedelta(days=3)).isoformat(),
    )
    assert response.status_code == 200
    assert "verified_on" in response.context["step_form"].errors
    lead.refresh_from_db()
    assert lead.status == LeadStatus.RECEIVED


def test_step_dated_in_the_future_is_refused(client_for, township_user, township):
    lead = LeadFactory(unit=township)
    tomorrow = (today() + timedelta(days=1)).isoformat()
    response = advance(
        client_for(township_user), lead, is_fraud_related="yes", verified_on=tomorrow
    )
    assert response.status_code == 200
    assert "verified_on" in response.context["step_form"].errors


def test_verification_cannot_link_an_institution_of_another_township(
    client_for, county_user, township, other_township
):
    elsewhere = InstitutionFactory(township=other_township)
    lead = LeadFactory(unit=township)
    response = advance(
        client_for(county_user),
        lead,
        is_fraud_related="yes",
        verified_on=today().isoformat(),
        institution=elsewhere.pk,
    )
    assert response.status_code == 200
    assert "institution" in response.context["step_form"].errors
    lead.refresh_from_db()
    assert lead.institution is None


def test_report_to_the_county_records_its_date(client_for, township_user, township):
    lead = LeadFactory(unit=township, received_on=today() - timedelta(days=1))
    response = client_for(township_user).post(
        reverse("screening:lead_report", args=[lead.pk]), {"reported_on": today().isoformat()}
    )
    assert response.status_code == 302
    lead.refresh_from_db()
    assert lead.reported_to_county_on == today()
    assert lead.history.latest("history_date").history_user == township_user


# --- scoping and roles ------------------------------------------------------------------


def test_township_user_gets_404_on_every_page_and_post_of_another_township_lead(
    client_for, township_user, other_township
):
    foreign = LeadFactory(unit=other_township)
    client = client_for(township_user)
    for name in ["screening:lead_detail", "screening:lead_update"]:
        assert client.get(reverse(name, args=[foreign.pk])).status_code == 404
    posts = {
        "screening:lead_update": lead_form(other_township),
        "screening:lead_advance": {"is_fraud_related": "yes", "verified_on": today()},
        "screening:lead_report": {"reported_on": today()},
    }
    for name, data in posts.items():
        assert client.post(reverse(name, args=[foreign.pk]), data).status_code == 404
    foreign.refresh_from_db()
    assert foreign.status == LeadStatus.RECEIVED
    assert foreign.reported_to_county_on is None
    assert foreign.history.count() == 1  # only its creation


def test_township_user_lists_only_their_own_leads(
    client_for, township_user, township, other_township
):
    mine = LeadFactory(unit=township, subject="本镇线索")
    LeadFactory(unit=other_township, subject="外镇线索")
    client = client_for(township_user)
    for query in ["", f"?unit={other_township.pk}", "?q=外镇"]:
        content = client.get(reverse("screening:lead_list") + query).content.decode()
        assert "外镇线索" not in content
    assert mine.subject in client.get(reverse("screening:lead_list")).content.decode()


def test_county_sees_every_township_lead_and_filters_them(
    client_for, county_user, township, other_township
):
    a = LeadFactory(unit=township, subject="甲线索", received_on=date(2026, 3, 1))
    b = LeadFactory(
        unit=other_township,
        subject="乙线索",
        channel=LeadChannel.HOTLINE_12345,
        status=LeadStatus.VERIFIED,
        verified_on=date(2026, 3, 3),
        received_on=date(2026, 3, 2),
    )
    client = client_for(county_user)
    url = reverse("screening:lead_list")

    def subjects(query=""):
        return {r.record.subject for r in client.get(url + query).context["table"].page.object_list}

    assert subjects() == {a.subject, b.subject}
    assert subjects(f"?unit={other_township.pk}") == {b.subject}
    assert subjects("?status=verified") == {b.subject}
    assert subjects("?channel=12337") == {a.subject}
    assert subjects("?received_from=2026-03-02") == {b.subject}
    assert subjects("?received_to=2026-03-01") == {a.subject}


def test_overdue_leads_are_highlighted_and_filtered(client_for, county_user, township):
    late = LeadFactory(
        unit=township, subject="迟办线索", received_on=today() - timedelta(days=OVERDUE_DAYS + 1)
    )
    LeadFactory(
        unit=township,
        subject="已反馈线索",
        received_on=today() - timedelta(days=OVERDUE_DAYS + 30),
        status=LeadStatus.FED_BACK,
    )
    LeadFactory(unit=township, subject="新线索", received_on=today())
    client = client_for(county_user)
    response = client.get(reverse("screening:lead_list") + "?overdue=yes")
    assert [r.record for r in response.context["table"].page.object_list] == [late]
    assert 'class="table-warning even"' in response.content.decode()
    detail = client.get(reverse("screening:lead_detail", args=[late.pk])).content.decode()
    assert "超期" in detail


def test_leader_reads_but_gets_403_on_every_write(client_for, leader, township):
    lead = LeadFactory(unit=township)
    client = client_for(leader)
    assert client.get(reverse("screening:lead_list")).status_code == 200
    assert client.get(reverse("screening:lead_detail", args=[lead.pk])).status_code == 200
    assert client.get(reverse("screening:lead_create")).status_code == 403
    assert client.post(reverse("screening:lead_create"), lead_form(township)).status_code == 403
    assert client.get(reverse("screening:lead_update", args=[lead.pk])).status_code == 403
    response = client.post(
        reverse("screening:lead_advance", args=[lead.pk]),
        {"is_fraud_related": "yes", "verified_on": today()},
    )
    assert response.status_code == 403
    response = client.post(
        reverse("screening:lead_report", args=[lead.pk]), {"reported_on": today()}
    )
    assert response.status_code == 403
    lead.refresh_from_db()
    assert lead.status == LeadStatus.RECEIVED
    assert Lead.objects.count() == 1


def test_reporter_phone_is_masked_for_the_leader_and_shown_to_staff(
    client_for, leader, township_user, township
):
    lead = LeadFactory(unit=township, reporter_phone="13912345678")
    leader_pages = [
        client_for(leader).get(reverse(name, **kw)).content.decode()
        for name, kw in [
            ("screening:lead_list", {}),
            ("screening:lead_detail", {"args": [lead.pk]}),
        ]
    ]
    for content in leader_pages:
        assert "13912345678" not in content
        assert "139****5678" in content
    staff = client_for(township_user).get(reverse("screening:lead_detail", args=[lead.pk]))
    assert "13912345678" in staff.content.decode()


def test_lead_list_uses_a_constant_number_of_queries(
    client_for, county_user, township, other_township, django_assert_max_num_queries
):
    for unit in [township, other_township] * 15:
        LeadFactory(unit=unit, institution=InstitutionFactory(township=unit))
    client = client_for(county_user)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("screening:lead_list"))
    assert response.status_code == 200


# --- lead sources named by the plans ----------------------------------------------------


def test_leads_referred_from_above_and_petition_letters_are_recorded_and_filtered(
    client_for, township_user, county_user, township
):
    """区县方案 §一 通过上级转办一批; 衡山县方案 §二.四 认真对待信访中的问题线索."""
    client = client_for(township_user)
    for channel, subject in [
        (LeadChannel.REFERRED, "市局转办：某养老院收取会员费"),
        (LeadChannel.WALK_IN, "群众来信反映某颐养之家承诺返利"),
    ]:
        response = client.post(
            reverse("screening:lead_create"),
            lead_form(township, channel=channel, subject=subject, reference=""),
        )
        assert response.status_code == 302
    referred = Lead.objects.get(channel=LeadChannel.REFERRED)
    petition = Lead.objects.get(channel=LeadChannel.WALK_IN)
    assert referred.status == petition.status == LeadStatus.RECEIVED

    county = client_for(county_user)
    page = county.get(reverse("screening:lead_list") + "?channel=referred")
    assert [r.record for r in page.context["table"].page.object_list] == [referred]
    assert "上级转办" in page.content.decode()
    page = county.get(reverse("screening:lead_list") + "?channel=walk_in")
    assert [r.record for r in page.context["table"].page.object_list] == [petition]
    assert "来访来信" in page.content.decode()


# --- found groundless (issue 14: complaints that count) ------------------------------------


def test_a_verified_lead_found_groundless_stops_counting_with_its_reason(
    client_for, township_user, township
):
    institution = InstitutionFactory(township=township)
    lead = LeadFactory(unit=township, received_on=today() - timedelta(days=5))
    client = client_for(township_user)
    page = client.get(reverse("screening:lead_detail", args=[lead.pk])).content.decode()
    assert 'id="groundless"' not in page  # not verified yet: nothing to find groundless
    advance(
        client,
        lead,
        is_fraud_related="yes",
        verified_on=(today() - timedelta(days=4)).isoformat(),
        institution=institution.pk,
    )
    lead.refresh_from_db()
    assert lead.counts_for_rating
    page = client.get(reverse("screening:lead_detail", args=[lead.pk])).content.decode()
    assert 'id="lead-counts"' in page and 'id="groundless"' in page

    url = reverse("screening:lead_groundless", args=[lead.pk])
    refused = client.post(url, {"groundless_on": today().isoformat(), "groundless_reason": ""})
    assert refused.status_code == 200
    lead.refresh_from_db()
    assert lead.groundless_on is None

    response = client.post(
        url, {"groundless_on": today().isoformat(), "groundless_reason": "经走访核实，查无实据"}
    )
    assert response.status_code == 302
    lead.refresh_from_db()
    assert (lead.groundless_on, lead.groundless_reason) == (today(), "经走访核实，查无实据")
    assert not lead.counts_for_rating
    latest = lead.history.order_by("-history_date").first()
    assert latest.history_user == township_user
    assert "查无实据" in latest.history_change_reason
    page = client.get(reverse("screening:lead_detail", args=[lead.pk])).content.decode()
    assert 'id="lead-groundless"' in page and "经走访核实，查无实据" in page


def test_an_unrelated_or_unverified_lead_cannot_be_found_groundless(
    client_for, township_user, township
):
    lead = LeadFactory(unit=township)
    url = reverse("screening:lead_groundless", args=[lead.pk])
    client = client_for(township_user)
    client.post(url, {"groundless_on": today().isoformat(), "groundless_reason": "查无实据"})
    lead.refresh_from_db()
    assert lead.groundless_on is None


def test_finding_a_lead_groundless_is_scoped_and_for_editors(
    client_for, township, other_township_user, leader
):
    lead = LeadFactory(unit=township)
    url = reverse("screening:lead_groundless", args=[lead.pk])
    data = {"groundless_on": today().isoformat(), "groundless_reason": "查无实据"}
    assert client_for(other_township_user).post(url, data).status_code == 404
    assert client_for(leader).post(url, data).status_code == 403
