"""Disposal pages: scoping of every page and POST, leaders read only, the board's figures
and its constant number of queries, the forms' round trips."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.template import Context, Template
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from disposal.levels import ActionType
from disposal.models import (
    ActionEvidence,
    ActionStatus,
    Assistance,
    DeadlineSetting,
    DisposalAction,
    InstitutionPlan,
    Resettlement,
    Transfer,
    ZeroingEntry,
    ZeroingStatus,
)
from disposal.services.actions import add_evidence, apply_level
from disposal.services.records import save_plan
from institutions.models import RegistrationStatus
from screening.models import PrepaymentRefund
from tests.disposal.factories import (
    AssistanceFactory,
    PrepaymentFactory,
    RefundFactory,
    ResettlementFactory,
    TransferFactory,
)
from tests.factories import InstitutionFactory, VenueFactory, make_credit_code
from tests.formdata import version_of_page

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF"


def today():
    return timezone.localdate()


def records_of(institution, county_user, township_user):
    """One row of every disposal kind for ``institution``."""
    apply_level(institution, "orange", user=county_user)
    action = DisposalAction.objects.filter(institution=institution).first()
    evidence = add_evidence(
        user=county_user, action=action, upload=SimpleUploadedFile("a.pdf", PDF)
    )
    prepayment = PrepaymentFactory(institution=institution)
    refund = RefundFactory(prepayment=prepayment)
    ResettlementFactory(institution=institution)
    AssistanceFactory(institution=institution)
    TransferFactory(institution=institution)
    save_plan(user=county_user, institution=institution, text="一院一策")
    return {"action": action, "evidence": evidence, "refund": prepayment, "entry": refund}


@pytest.fixture
def foreign(other_township, county_user, other_township_user):
    institution = InstitutionFactory(township=other_township)
    venue = VenueFactory(township=other_township)
    rows = records_of(institution, county_user, other_township_user)
    rows.update(institution=institution, venue=venue)
    return rows


@pytest.fixture
def mine(township, county_user, township_user):
    institution = InstitutionFactory(township=township)
    venue = VenueFactory(township=township)
    rows = records_of(institution, county_user, township_user)
    rows.update(institution=institution, venue=venue)
    return rows


def pages(rows):
    """Every GET page of one institution's disposal."""
    i, v = rows["institution"].pk, rows["venue"].pk
    return [
        reverse("disposal:action_detail", args=[rows["action"].pk]),
        reverse("disposal:action_update", args=[rows["action"].pk]),
        reverse("disposal:evidence_download", args=[rows["evidence"].pk]),
        reverse("disposal:zeroing_detail", args=[v]),
        reverse("disposal:refund_list", args=[i]),
        reverse("disposal:refund_record_create", args=[rows["refund"].pk]),
        reverse("disposal:refund_reverse", args=[rows["entry"].pk]),
        reverse("disposal:resettlement_list", args=[i]),
        reverse("disposal:resettlement_create", args=[i]),
        reverse("disposal:assistance_list", args=[i]),
        reverse("disposal:assistance_create", args=[i]),
        reverse("disposal:transfer_list", args=[i]),
        reverse("disposal:transfer_create", args=[i]),
        reverse("disposal:institution_plan", args=[i]),
    ]


def posts(rows):
    """Every write of one institution's disposal, with data that would be valid."""
    i, v = rows["institution"].pk, rows["venue"].pk
    day = today().isoformat()
    return [
        (
            reverse("disposal:action_update", args=[rows["action"].pk]),
            {"status": "done", "completed_on": day},
        ),
        (reverse("disposal:zeroing_detail", args=[v]), {"responsible_name": "张三"}),
        (
            reverse("disposal:zeroing_cross_off", args=[v]),
            {"outcome": "closed", "outcome_on": day},
        ),
        (
            reverse("disposal:refund_record_create", args=[rows["refund"].pk]),
            {"amount": "1", "refunded_on": day},
        ),
        (reverse("disposal:refund_reverse", args=[rows["entry"].pk]), {"reason": "录错"}),
        (
            reverse("disposal:resettlement_create", args=[i]),
            {
                "elder_name": "老人",
                "destination_kind": "home",
                "destination": "家",
                "resettled_on": day,
            },
        ),
        (
            reverse("disposal:assistance_create", args=[i]),
            {"elder_name": "老人", "kind": "temporary", "granted_on": day},
        ),
        (
            reverse("disposal:transfer_create", args=[i]),
            {"authority": "police", "transferred_on": day},
        ),
        (reverse("disposal:institution_plan", args=[i]), {"text": "新的方案"}),
    ]


def snapshot():
    return (
        list(DisposalAction.objects.values_list("pk", "status", "completed_on")),
        ZeroingEntry.objects.count(),
        list(PrepaymentRefund.objects.values_list("pk", "amount")),
        Resettlement.objects.count(),
        Transfer.objects.count(),
        InstitutionPlan.objects.count(),
    )


# --- scoping ----------------------------------------------------------------------------


def test_township_user_gets_404_for_every_page_of_another_township(
    client_for, township_user, foreign
):
    client = client_for(township_user)
    for url in pages(foreign):
        assert client.get(url).status_code == 404, url


def test_township_user_gets_404_for_every_post_to_another_township(
    client_for, township_user, foreign
):
    client = client_for(township_user)
    before = snapshot()
    for url, data in posts(foreign):
        assert client.post(url, data).status_code == 404, url
    assert snapshot() == before


def test_township_user_opens_every_page_of_their_own_township(client_for, township_user, mine):
    client = client_for(township_user)
    for url in pages(mine):
        assert client.get(url).status_code == 200, url


def test_lists_and_boards_never_show_another_township(client_for, township_user, mine, foreign):
    client = client_for(township_user)
    name = foreign["institution"].name
    for url in [
        reverse("disposal:board"),
        reverse("disposal:action_list"),
        reverse("disposal:action_list") + f"?institution={foreign['institution'].pk}",
        reverse("disposal:action_list") + f"?township={foreign['institution'].township_id}",
        reverse("disposal:zeroing_ledger"),
    ]:
        content = client.get(url).content.decode()
        assert name not in content, url
        assert foreign["venue"].name not in content, url
    assert mine["institution"].name in client.get(reverse("disposal:action_list")).content.decode()


def test_leader_reads_but_gets_403_on_every_write(client_for, leader, mine):
    client = client_for(leader)
    for url in [reverse("disposal:board"), reverse("disposal:action_list"), *pages(mine)[:1]]:
        assert client.get(url).status_code == 200, url
    before = snapshot()
    for url, data in posts(mine):
        assert client.post(url, data).status_code == 403, url
    assert snapshot() == before
    assert client.get(reverse("disposal:deadline_settings")).status_code == 403


def test_township_staff_cannot_set_county_deadlines(client_for, township_user):
    response = client_for(township_user).post(reverse("disposal:deadline_settings"), {})
    assert response.status_code == 403


# --- the board --------------------------------------------------------------------------


def rated(township, county_user, level, n, approved_on):
    for _ in range(n):
        apply_level(
            InstitutionFactory(township=township), level, user=county_user, today=approved_on
        )


def test_board_counts_open_actions_by_level_overdue_due_this_week_and_zeroing(
    client_for, county_user, township, other_township
):
    rated(township, county_user, "orange", 1, today() - timedelta(days=10))  # 2 overdue
    rated(other_township, county_user, "yellow", 1, today())
    VenueFactory(township=township)
    crossed = VenueFactory(township=other_township)
    ZeroingEntry.objects.create(institution=crossed, status=ZeroingStatus.CROSSED_OFF)

    response = client_for(county_user).get(reverse("disposal:board"))

    total = response.context["total"]
    assert total.open_by_level == {"red": 0, "orange": 4, "yellow": 3, "green": 0}
    assert total.overdue == 2
    assert (total.zeroing_crossed_off, total.zeroing_total) == (1, 2)
    rows = dict(response.context["townships"])
    assert rows[township].overdue == 2 and rows[other_township].overdue == 0
    # the county sees what is overdue first
    assert response.context["sections"][0][0] == "overdue"
    assert "1 / 1" in response.content.decode()


def test_township_board_shows_what_is_due_this_week_first(client_for, township_user):
    response = client_for(township_user).get(reverse("disposal:board"))
    assert response.context["sections"][0][0] == "due_this_week"
    assert response.context["townships"] == []


def board_queries(client):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("disposal:board")).status_code == 200
    return len(queries)


def test_board_query_count_is_the_same_for_5_and_50_actions(
    client, county_user, township, other_township, django_assert_max_num_queries
):
    client.force_login(county_user)
    day = today() - timedelta(days=1)
    rated(township, county_user, "yellow", 1, day)  # 3 actions
    rated(other_township, county_user, "green", 2, day)  # 2 actions
    VenueFactory(township=township)
    small = board_queries(client)

    rated(township, county_user, "red", 5, day - timedelta(days=20))  # 30 actions, overdue
    rated(other_township, county_user, "orange", 3, day)  # 12 actions
    rated(other_township, county_user, "green", 3, day)  # 3 actions
    VenueFactory.create_batch(5, township=other_township)
    assert DisposalAction.objects.count() == 50
    with django_assert_max_num_queries(small):
        large = board_queries(client)
    assert large == small


def test_action_list_query_count_does_not_grow_with_the_rows(
    client, county_user, township, django_assert_max_num_queries
):
    rated(township, county_user, "orange", 1, today())
    client.force_login(county_user)
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("disposal:action_list"))
    small = len(queries)
    rated(township, county_user, "red", 5, today())
    with django_assert_max_num_queries(small):
        client.get(reverse("disposal:action_list"))


# --- forms ------------------------------------------------------------------------------


def test_township_user_closes_an_action_with_a_document_number_and_a_file(
    client_for, township_user, mine
):
    talk = DisposalAction.objects.get(
        institution=mine["institution"], action_type=ActionType.WARNING_TALK
    )
    upload = SimpleUploadedFile("约谈笔录.pdf", PDF, content_type="application/pdf")
    client = client_for(township_user)
    url = reverse("disposal:action_update", args=[talk.pk])

    response = client.post(
        url,
        {
            **version_of_page(client, url),
            "status": "done",
            "responsible_user": township_user.pk,
            "carried_out_on": today().isoformat(),
            "document_number": "开民约〔2026〕3号",
            "counterpart": "李秀英（负责人）",
            "evidence_file": upload,
            "evidence_description": "约谈笔录",
        },
    )

    assert response.status_code == 302
    talk.refresh_from_db()
    assert talk.status == ActionStatus.DONE
    assert talk.completed_on == today()
    assert talk.document_number == "开民约〔2026〕3号"
    assert ActionEvidence.objects.filter(action=talk, original_name="约谈笔录.pdf").exists()
    detail = client_for(township_user).get(reverse("disposal:action_detail", args=[talk.pk]))
    assert "约谈笔录.pdf" in detail.content.decode()


def test_a_wrong_file_is_refused_on_the_form_and_nothing_is_saved(client_for, township_user, mine):
    talk = DisposalAction.objects.get(
        institution=mine["institution"], action_type=ActionType.WARNING_TALK
    )

    client = client_for(township_user)
    url = reverse("disposal:action_update", args=[talk.pk])
    response = client.post(
        url,
        {
            **version_of_page(client, url),
            "status": "done",
            "evidence_file": SimpleUploadedFile("x.exe", b"MZ"),
        },
    )

    assert response.status_code == 200
    assert "evidence_file" in response.context["form"].errors
    talk.refresh_from_db()
    assert talk.status == ActionStatus.OPEN


def test_not_applicable_without_a_reason_is_an_error_on_the_form(client_for, township_user, mine):
    action = mine["action"]

    client = client_for(township_user)
    url = reverse("disposal:action_update", args=[action.pk])
    response = client.post(url, {**version_of_page(client, url), "status": "not_applicable"})

    assert response.status_code == 200
    assert "status_reason" in response.context["form"].errors


def test_only_the_county_form_offers_the_deadline(client_for, township_user, county_user, mine):
    url = reverse("disposal:action_update", args=[mine["action"].pk])
    assert "deadline" not in client_for(township_user).get(url).context["form"].fields
    assert "deadline" in client_for(county_user).get(url).context["form"].fields


def test_evidence_download_serves_the_file(client_for, township_user, mine):
    response = client_for(township_user).get(
        reverse("disposal:evidence_download", args=[mine["evidence"].pk])
    )
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF


def test_cross_off_through_the_page_is_refused_with_a_clear_message(
    client_for, township_user, mine
):
    venue = mine["venue"]
    client = client_for(township_user)
    version = version_of_page(
        client, reverse("disposal:zeroing_detail", args=[venue.pk]), "cross_off_form"
    )

    response = client.post(
        reverse("disposal:zeroing_cross_off", args=[venue.pk]),
        {**version, "outcome": "transferred"},
    )

    assert response.status_code == 200
    with translation.override("zh-hans"):
        message = gettext("Not crossed off: record the transfer to the authority first.")
    assert response.context["cross_off_form"].non_field_errors() == [message]
    assert message in response.content.decode()
    assert not ZeroingEntry.objects.filter(status=ZeroingStatus.CROSSED_OFF).exists()


def test_registering_a_venue_through_the_page_crosses_it_off(client_for, township_user, mine):
    venue = mine["venue"]
    code = make_credit_code(7777)
    client = client_for(township_user)
    version = version_of_page(
        client, reverse("disposal:zeroing_detail", args=[venue.pk]), "cross_off_form"
    )

    response = client.post(
        reverse("disposal:zeroing_cross_off", args=[venue.pk]),
        {
            **version,
            "outcome": "registered",
            "credit_code": code,
            "registration_status": RegistrationStatus.REGISTERED_FILED,
            "legal_form": "social_service",
        },
    )

    assert response.status_code == 302
    venue.refresh_from_db()
    assert venue.registration_status == RegistrationStatus.REGISTERED_FILED
    ledger = client_for(township_user).get(reverse("disposal:zeroing_ledger"))
    assert venue.name in ledger.content.decode()


def test_assigning_a_person_on_the_ledger(client_for, township_user, mine):
    venue = mine["venue"]
    client = client_for(township_user)
    url = reverse("disposal:zeroing_detail", args=[venue.pk])
    response = client.post(
        url,
        {**version_of_page(client, url, "assign_form"), "responsible_user": township_user.pk},
    )
    assert response.status_code == 302
    assert ZeroingEntry.objects.get(institution=venue).responsible_user == township_user


def test_recording_a_refund_through_the_page(client_for, township_user, mine):
    record = mine["refund"]
    response = client_for(township_user).post(
        reverse("disposal:refund_record_create", args=[record.pk]),
        {"amount": "2500", "refunded_on": today().isoformat(), "notes": "现金退还"},
    )
    assert response.status_code == 302
    entry = PrepaymentRefund.objects.get(prepayment=record, notes="现金退还")
    assert (entry.amount, entry.created_by) == (Decimal("2500"), township_user)
    record.refresh_from_db()
    assert record.refunded_amount == Decimal("3500")  # 1,000 earlier

    too_much = client_for(township_user).post(
        reverse("disposal:refund_record_create", args=[record.pk]),
        {"amount": "999999", "refunded_on": today().isoformat()},
    )
    assert too_much.status_code == 200
    assert "amount" in too_much.context["form"].errors


def test_reversing_a_refund_through_the_page(client_for, township_user, mine):
    entry = mine["entry"]
    url = reverse("disposal:refund_reverse", args=[entry.pk])

    refused = client_for(township_user).post(url, {"reason": ""})
    done = client_for(township_user).post(url, {"reason": "重复登记"})

    assert refused.status_code == 200 and "reason" in refused.context["form"].errors
    assert done.status_code == 302
    assert entry.reversal.notes == "重复登记"
    assert PrepaymentRefund.objects.filter(pk=entry.pk).exists()


def test_transfer_form_proposes_the_authority_by_the_venues_nature(client_for, township_user, mine):
    venue = mine["venue"]
    venue.venue_nature = "social_service"
    venue.save()
    response = client_for(township_user).get(reverse("disposal:transfer_create", args=[venue.pk]))
    assert response.context["form"].fields["authority"].initial == "social_organisation"


def test_county_sets_its_deadlines(client_for, county_user, county):
    data = {t.value: "10" for t in ActionType}
    data[ActionType.LEAD_NOTIFICATION.value] = "2"

    client = client_for(county_user)
    url = reverse("disposal:deadline_settings")
    response = client.post(url, {**version_of_page(client, url), **data})

    assert response.status_code == 302
    setting = DeadlineSetting.objects.get(unit=county, action_type=ActionType.LEAD_NOTIFICATION)
    assert setting.days == 2
    assert setting.history.get().history_user == county_user


def test_institution_panel_summarises_actions_refunds_and_plan(township_user, mine):
    institution = mine["institution"]
    PrepaymentFactory(institution=institution, amount=Decimal("5000"))
    request = RequestFactory().get("/")
    request.user = township_user

    html = Template("{% load disposal_tags %}{% institution_disposal_panel institution %}").render(
        Context({"institution": institution, "user": township_user, "request": request})
    )

    assert "disposal-panel" in html
    assert "25,000.00" in html  # 20,000 + 5,000 paid in
    assert "24,000.00" in html  # still owed: 1,000 refunded
    assert reverse("disposal:institution_plan", args=[institution.pk]) in html
    assert html.count(reverse("disposal:action_detail", args=[mine["action"].pk])) == 1


def test_action_history_is_shown_on_the_detail_page(client_for, township_user, county_user, mine):
    response = client_for(township_user).get(
        reverse("disposal:action_detail", args=[mine["action"].pk])
    )
    assert response.status_code == 200
    assert response.context["history"][-1].record.history_user == county_user


def ledger_queries(client):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("disposal:zeroing_ledger")).status_code == 200
    return len(queries)


def test_zeroing_ledger_query_count_is_the_same_for_3_and_30_venues(
    client, county_user, township, other_township, township_user
):
    client.force_login(county_user)
    for venue in VenueFactory.create_batch(3, township=township):
        ZeroingEntry.objects.create(institution=venue, responsible_user=township_user)
    small = ledger_queries(client)

    for venue in VenueFactory.create_batch(27, township=other_township):
        ZeroingEntry.objects.create(institution=venue, responsible_name="王五")
    assert ledger_queries(client) == small


def test_zeroing_ledger_filters_crossed_off_and_to_do(client_for, township_user, township):
    done = VenueFactory(township=township, name="甲颐养之家")
    ZeroingEntry.objects.create(institution=done, status=ZeroingStatus.CROSSED_OFF)
    todo = VenueFactory(township=township, name="乙颐养之家")
    client = client_for(township_user)

    def names(query):
        response = client.get(reverse("disposal:zeroing_ledger") + query)
        return {row["institution"].name for row in response.context["rows"]}

    assert names("") == {done.name, todo.name}
    assert names("?ledger_status=crossed_off") == {done.name}
    assert names("?ledger_status=to_do") == {todo.name}


def test_admin_lists_disposal_actions_of_the_admins_subtree(client_for, administrator, mine):
    administrator.is_superuser = True
    administrator.save()
    response = client_for(administrator).get("/admin/disposal/disposalaction/")
    assert response.status_code == 200
    assert mine["institution"].name in response.content.decode()


# --- the plans' measures, recorded through the pages --------------------------------------


def test_recording_resettlement_and_each_kind_of_assistance_through_the_pages(
    client_for, township_user, township
):
    """区县方案 §二(二)五: 协助妥善安置老年人; 纳入城乡低保、特困供养范围或者给予临时救助."""
    institution = InstitutionFactory(township=township)
    client = client_for(township_user)
    day = today().isoformat()

    response = client.post(
        reverse("disposal:resettlement_create", args=[institution.pk]),
        {
            "elder_name": "王秀英",
            "destination_kind": "institution",
            "destination": "开云镇敬老院",
            "resettled_on": day,
        },
    )
    assert response.status_code == 302
    resettled = Resettlement.objects.get(institution=institution)
    assert (resettled.elder_name, resettled.destination) == ("王秀英", "开云镇敬老院")
    assert resettled.history.get().history_user == township_user

    for kind in ("subsistence", "extreme_poverty", "temporary"):
        response = client.post(
            reverse("disposal:assistance_create", args=[institution.pk]),
            {"elder_name": "王秀英", "kind": kind, "granted_on": day, "amount": "800"},
        )
        assert response.status_code == 302
    assert sorted(
        Assistance.objects.filter(institution=institution).values_list("kind", flat=True)
    ) == ["extreme_poverty", "subsistence", "temporary"]

    page = client.get(reverse("disposal:assistance_list", args=[institution.pk])).content.decode()
    for label in ("城乡低保", "特困供养", "临时救助"):
        assert label in page
    page = client.get(reverse("disposal:resettlement_list", args=[institution.pk]))
    assert "开云镇敬老院" in page.content.decode()


def test_recording_a_transfer_to_the_police_with_the_case_filing(
    client_for, township_user, township
):
    """区县方案: 对涉嫌犯罪的，移送司法机关依法处理; 衡山县方案: 直接移交公安机关依法查处."""
    institution = InstitutionFactory(township=township)
    day = today().isoformat()

    response = client_for(township_user).post(
        reverse("disposal:transfer_create", args=[institution.pk]),
        {
            "authority": "police",
            "receiving_unit": "衡山县公安局",
            "transferred_on": day,
            "document_number": "衡民移〔2026〕1号",
            "case_filed_on": day,
            "reason": "涉嫌非法吸收公众存款",
        },
    )

    assert response.status_code == 302
    transfer = Transfer.objects.get(institution=institution)
    assert (transfer.authority, transfer.receiving_unit) == ("police", "衡山县公安局")
    assert transfer.case_filed_on == today()
    page = client_for(township_user).get(reverse("disposal:transfer_list", args=[institution.pk]))
    content = page.content.decode()
    assert "公安机关" in content and "衡民移〔2026〕1号" in content


@pytest.mark.parametrize("nature", ["enterprise", "individual"])
def test_transfer_form_proposes_market_regulation_for_enterprise_and_individual_venues(
    client_for, township_user, mine, nature
):
    """衡山县方案 §一.三: 属企业性质的移交市场监管部门; an individual's venue goes there
    too."""
    venue = mine["venue"]
    venue.venue_nature = nature
    venue.save()
    response = client_for(township_user).get(reverse("disposal:transfer_create", args=[venue.pk]))
    assert response.context["form"].fields["authority"].initial == "market_regulation"


def test_a_warning_talk_records_whom_it_was_held_with(client_for, township_user, mine):
    """衡山县方案 §一.三: 对养老服务机构和主要负责人进行警示约谈 — the action says with whom."""
    talk = DisposalAction.objects.get(
        institution=mine["institution"], action_type=ActionType.WARNING_TALK
    )
    client = client_for(township_user)
    url = reverse("disposal:action_update", args=[talk.pk])

    response = client.post(
        url,
        {
            **version_of_page(client, url),
            "status": "done",
            "carried_out_on": today().isoformat(),
            "document_number": "开民约〔2026〕5号",
            "counterpart": "机构法定代表人张建国、主要负责人李秀英",
        },
    )

    assert response.status_code == 302
    talk.refresh_from_db()
    assert talk.counterpart == "机构法定代表人张建国、主要负责人李秀英"
    detail = client.get(reverse("disposal:action_detail", args=[talk.pk])).content.decode()
    assert "机构法定代表人张建国、主要负责人李秀英" in detail
