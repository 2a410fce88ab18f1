"""The field app on a phone with no network (issue 15): opened once online, it opens offline,
keeps three visits on the phone across a closed page, and sends them when the network is
back — each exactly once, photos included."""

import time

import pytest
from playwright.sync_api import expect

from screening.models import ScreeningVisit, VisitAttachment
from tests.factories import InstitutionFactory
from tests.images import image_bytes

pytestmark = pytest.mark.django_db(transaction=True)


def wait_ready(page):
    page.wait_for_selector("#field-app[data-offline-ready='1']", timeout=20000)
    deadline = time.monotonic() + 15
    while not page.evaluate("() => navigator.serviceWorker.controller !== null"):
        assert time.monotonic() < deadline, "the service worker never took the page"
        page.wait_for_timeout(200)


def states(page):
    return page.eval_on_selector_all(
        "#outbox .outbox-item", "items => items.map(i => i.getAttribute('data-state'))"
    )


def record(page, institution, findings, photos=()):
    page.select_option("#field-institution", str(institution.pk))
    page.check("input[name=method][value=unannounced]")
    page.fill("#id_operating_entity", "衡山康乐养老服务有限公司")
    page.fill("#id_findings", findings)
    page.fill("#id_interviews-0-interviewee", "刘奶奶")
    if photos:
        page.set_input_files("#field-photos", list(photos))
    before = page.locator("#outbox .outbox-item").count()
    page.click("#field-save-draft")
    expect(page.locator("#outbox .outbox-item")).to_have_count(before + 1)


def test_three_visits_recorded_offline_reach_the_server_once(
    browser, live_server, login, township_user, township, screenshot
):
    context = browser.new_context(
        base_url=live_server.url,
        locale="zh-CN",
        viewport={"width": 375, "height": 812},
        is_mobile=True,
        has_touch=True,
    )
    try:
        page = context.new_page()
        page.set_default_timeout(15000)
        first = InstitutionFactory(township=township, name="开云镇康乐颐养院")
        second = InstitutionFactory(township=township, name="开云镇福寿养老院")
        login(page, "kaiyun")
        page.goto("/screening/field/")
        wait_ready(page)
        assert page.locator("#field-institution option").count() == 3

        context.set_offline(True)
        page.reload()
        page.wait_for_selector("#field-form")
        assert page.evaluate("() => navigator.onLine") is False
        # The institutions came from the phone's copy.
        expect(page.locator("#field-institution option")).to_have_count(3)

        big = image_bytes("JPEG", (3200, 2400))
        record(page, first, "第一次走访")
        record(
            page,
            second,
            "第二次走访，拍了两张照片",
            photos=[
                {"name": "wall.jpg", "mimeType": "image/jpeg", "buffer": big},
                {"name": "card.png", "mimeType": "image/png", "buffer": image_bytes("PNG")},
            ],
        )
        record(page, first, "第三次走访")
        assert states(page) == ["local", "local", "local"]
        page.close()

        page = context.new_page()
        page.set_default_timeout(15000)
        page.goto("/screening/field/")
        expect(page.locator("#outbox .outbox-item")).to_have_count(3)
        assert states(page) == ["local", "local", "local"]
        assert "仅在本机" in page.locator("#outbox").inner_text()
        screenshot(page, "field-offline-outbox")
        assert ScreeningVisit.objects.count() == 0

        context.set_offline(False)
        page.click("#outbox-send")
        expect(page.locator("#outbox .outbox-item[data-state=received]")).to_have_count(
            3, timeout=30000
        )
        screenshot(page, "field-online-received")
    finally:
        context.close()

    assert ScreeningVisit.objects.count() == 3
    assert VisitAttachment.objects.count() == 2
    visit = ScreeningVisit.objects.get(findings="第二次走访，拍了两张照片")
    assert visit.institution == second
    from PIL import Image

    sizes = []
    for attachment in visit.attachments.all():
        with attachment.file.open("rb") as handle, Image.open(handle) as image:
            sizes.append(max(image.size))
    assert max(sizes) <= 1600
    for saved in ScreeningVisit.objects.all():
        assert saved.client_id and saved.received_at
        # The phone's clock: opened when the form was fresh, completed at "save".
        assert saved.form_opened_at and saved.form_completed_at >= saved.form_opened_at


def phone(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url,
        locale="zh-CN",
        viewport={"width": 375, "height": 812},
        is_mobile=True,
        has_touch=True,
    )
    page = context.new_page()
    page.set_default_timeout(15000)
    return context, page


def test_one_draft_finished_on_two_phones_stops_the_second_sync_with_both_versions(
    browser, live_server, login, township_user, township, screenshot
):
    from tests.screening.factories import ScreeningVisitFactory

    draft = ScreeningVisitFactory(
        institution=InstitutionFactory(township=township, name="开云镇康乐颐养院"),
        staff=township_user,
        created_by=township_user,
        findings="上次写到一半",
    )
    (context_a, a), (context_b, b) = phone(browser, live_server), phone(browser, live_server)
    try:
        for context, page in ((context_a, a), (context_b, b)):
            login(page, "kaiyun")
            page.goto("/screening/field/")
            wait_ready(page)
            expect(page.locator("#server-drafts .server-draft")).to_have_count(1)
            context.set_offline(True)
        for page, text in ((a, "甲手机：发现会员卡宣传单"), (b, "乙手机：未见宣传单")):
            page.click("#server-drafts .server-draft-edit")
            assert page.input_value("#id_findings") == "上次写到一半"
            page.fill("#id_findings", text)
            page.click("#field-save-draft")
            expect(page.locator("#outbox .outbox-item[data-state=local]")).to_have_count(1)

        context_a.set_offline(False)
        a.click("#outbox-send")
        expect(a.locator("#outbox .outbox-item[data-state=received]")).to_have_count(1)
        draft.refresh_from_db()
        assert draft.findings == "甲手机：发现会员卡宣传单"

        context_b.set_offline(False)
        b.click("#outbox-send")
        expect(b.locator("#outbox .outbox-item[data-state=conflict]")).to_have_count(1)
        row = b.locator(".outbox-conflict tr[data-field=findings]")
        assert row.locator(".conflict-mine").inner_text() == "乙手机：未见宣传单"
        assert row.locator(".conflict-theirs").inner_text() == "甲手机：发现会员卡宣传单"
        screenshot(b, "field-conflict")
        draft.refresh_from_db()
        assert draft.findings == "甲手机：发现会员卡宣传单"  # nothing overwritten

        # The person keeps this phone's version, knowingly.
        b.click(".outbox-keep-mine")
        expect(b.locator("#outbox .outbox-item[data-state=received]")).to_have_count(1)
        draft.refresh_from_db()
        assert draft.findings == "乙手机：未见宣传单"
        assert ScreeningVisit.objects.count() == 1
    finally:
        context_a.close()
        context_b.close()


def test_a_venue_and_a_lead_recorded_offline_reach_the_server_once(
    browser, live_server, login, township_user, township, screenshot
):
    from institutions.models import Institution
    from screening.models import Lead
    from tests.factories import VillageFactory

    village = VillageFactory(name="河西村", parent=township)
    context, page = phone(browser, live_server)
    try:
        login(page, "kaiyun")
        page.goto("/screening/field/")
        wait_ready(page)
        context.set_offline(True)
        page.reload()
        page.wait_for_selector("#venue-form", state="attached")

        page.click("#venue-card summary")
        page.fill("#venue-name", "河西村幸福小院")
        page.select_option("#venue-village", str(village.pk))
        page.fill("#venue-actual_address", "河西村3组")
        page.fill("#venue-operator", "张某")
        page.fill("#venue-contact_phone", "13800001111")
        page.fill("#venue-residents", "6")
        page.select_option("#venue-venue_nature", "individual")
        page.click("#venue-save")
        expect(page.locator("#outbox .outbox-item[data-kind=venue]")).to_have_count(1)

        page.click("#lead-card summary")
        page.select_option("#lead-channel", "found")
        page.fill("#lead-subject", "河西村某养生馆")
        page.fill("#lead-content", "以体验为名推销保健品，收取预付款。")
        page.click("#lead-save")
        expect(page.locator("#outbox .outbox-item[data-kind=lead]")).to_have_count(1)
        # One the server will refuse: a date in the future.
        page.select_option("#lead-channel", "walk_in")
        page.fill("#lead-subject", "日期写错的线索")
        page.fill("#lead-content", "来信反映。")
        page.fill("#lead-received_on", "2099-01-01")
        page.click("#lead-save")
        expect(page.locator("#outbox .outbox-item[data-kind=lead]")).to_have_count(2)
        assert states(page) == ["local", "local", "local"]
        assert "仅在本机" in page.locator("#outbox").inner_text()
        assert not Institution.objects.exists() and not Lead.objects.exists()

        context.set_offline(False)
        page.click("#outbox-send")
        expect(page.locator("#outbox .outbox-item[data-state=received]")).to_have_count(
            2, timeout=30000
        )
        refused = page.locator("#outbox .outbox-item[data-state=refused]")
        expect(refused).to_have_count(1)
        expect(refused.locator(".outbox-errors")).to_contain_text("日期")
        screenshot(page, "field-venue-lead-received")

        # Sent again (a second tap, the page reopened): nothing is made twice.
        page.click("#outbox-send")
        page.reload()
        expect(page.locator("#outbox .outbox-item[data-state=received]")).to_have_count(2)
    finally:
        context.close()

    venue = Institution.objects.get()
    assert (venue.name, venue.village, venue.operator, venue.residents) == (
        "河西村幸福小院",
        village,
        "张某",
        6,
    )
    assert venue.is_venue and venue.client_id and venue.created_by == township_user
    lead = Lead.objects.get()
    assert lead.subject == "河西村某养生馆" and lead.unit == township and lead.client_id
