"""Who was punished (区县方案 二(三)四): a township records a sentence on a phone, from the
institution's page; the county section proposes it for the joint-punishment list."""

from datetime import timedelta

import pytest
from django.utils import timezone

from disposal.models import Penalty
from tests.factories import InstitutionFactory
from tests.screening.factories import make_id_number

pytestmark = pytest.mark.django_db(transaction=True)


def test_township_records_a_sentence_on_a_phone_and_the_county_proposes_it(
    phone_page, page, login, screenshot, township, township_user, county_user
):
    institution = InstitutionFactory(township=township, name="开云镇康乐养老院")
    id_number = make_id_number(58)
    decided = (timezone.localdate() - timedelta(days=2)).isoformat()

    login(phone_page, "kaiyun")
    phone_page.goto(f"/institutions/{institution.pk}/")
    phone_page.click("#disposal-panel #add-penalty")
    phone_page.wait_for_url("**/penalties/new/")
    phone_page.select_option("#id_kind", "criminal")
    phone_page.select_option("#id_ground", "deception")
    phone_page.fill("#id_authority", "衡山县人民法院")
    phone_page.fill("#id_document_number", "（2026）湘0423刑初58号")
    phone_page.fill("#id_decided_on", decided)
    phone_page.fill("#id_person_name", "周建军")
    phone_page.fill("#id_person_id_number", id_number)
    phone_page.fill("#id_person_post", "法定代表人")
    phone_page.fill("#id_summary", "以养老服务为名骗取老年人财物，判处有期徒刑三年。")
    screenshot(phone_page, "penalty-form-phone")
    phone_page.click("input[type=submit][name=save]")
    phone_page.wait_for_url("**/disposal/penalties/*/")
    assert "待提请" in phone_page.locator("#penalty-proposal").inner_text()
    penalty = Penalty.objects.get()
    assert penalty.created_by == township_user

    login(page, "county")
    page.goto("/disposal/")
    page.click("#penalties a.link-danger")
    page.wait_for_url("**/disposal/penalties/?proposal=to_propose")
    assert page.locator("table tbody tr").count() == 1
    page.click("table tbody tr td a[href*='/disposal/penalties/']")
    page.fill("#id_note", "报县局审定后提请")
    page.click("#propose-form button[type=submit]")
    page.wait_for_url(f"**/disposal/penalties/{penalty.pk}/")
    assert "已提请" in page.locator("#penalty-proposal").inner_text()
    page.goto("/disposal/penalties/")
    screenshot(page, "penalty-list")

    penalty.refresh_from_db()
    assert penalty.proposed_by == county_user
