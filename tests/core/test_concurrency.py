"""Optimistic locking: of two people editing the same record, the second save is refused."""

import pytest
from django.urls import reverse

from disposal.models import DisposalAction
from disposal.services.actions import apply_level
from institutions.models import Institution
from screening.models import ScreeningVisit
from tests.factories import InstitutionFactory, UserFactory
from tests.formdata import formset_data, post_data
from tests.screening.factories import ScreeningVisitFactory

pytestmark = pytest.mark.django_db

REFUSED = "您的修改未保存"


@pytest.fixture
def colleague(township):
    return UserFactory(username="kaiyun2", unit=township, role="township_staff")


def open_form(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.context


def institution_edit(client, url, **changes):
    return post_data(open_form(client, url)["form"], **changes)


def test_second_save_of_an_institution_is_refused_and_the_first_is_kept(
    client, township, township_user, colleague
):
    institution = InstitutionFactory(township=township, principal="李秀英")
    url = reverse("institutions:update", args=[institution.pk])
    client.force_login(township_user)
    mine = institution_edit(client, url, principal="王一")
    client.force_login(colleague)
    theirs = institution_edit(client, url, principal="赵二")

    assert client.post(url, theirs).status_code == 302
    client.force_login(township_user)
    refused = client.post(url, mine)

    assert refused.status_code == 200
    page = refused.content.decode()
    assert REFUSED in page
    assert str(colleague) in page
    # What the colleague changed is named, so the person sees what they would have lost.
    assert "负责人：李秀英 → 赵二" in page
    institution.refresh_from_db()
    assert institution.principal == "赵二"
    assert [h.principal for h in institution.history.order_by("history_id")][-1] == "赵二"


def test_saving_again_after_reopening_works(client, township, township_user):
    institution = InstitutionFactory(township=township)
    url = reverse("institutions:update", args=[institution.pk])
    client.force_login(township_user)

    assert client.post(url, institution_edit(client, url, principal="王一")).status_code == 302
    assert client.post(url, institution_edit(client, url, principal="王二")).status_code == 302

    assert Institution.objects.get(pk=institution.pk).principal == "王二"


def test_a_form_with_errors_keeps_the_version_it_was_opened_at(
    client, township, township_user, colleague
):
    institution = InstitutionFactory(township=township)
    url = reverse("institutions:update", args=[institution.pk])
    client.force_login(township_user)
    mine = institution_edit(client, url, beds="-1")
    client.force_login(colleague)
    client.post(url, institution_edit(client, url, principal="赵二"))
    client.force_login(township_user)
    invalid = client.post(url, mine)
    retried = post_data(invalid.context["form"], beds="70")

    assert REFUSED in client.post(url, retried).content.decode()
    assert Institution.objects.get(pk=institution.pk).beds == 50


def test_second_save_of_a_disposal_action_is_refused(client, township, county_user, township_user):
    institution = InstitutionFactory(township=township)
    apply_level(institution, "orange", user=county_user)
    action = DisposalAction.objects.filter(institution=institution).first()
    url = reverse("disposal:action_update", args=[action.pk])
    client.force_login(township_user)
    mine = post_data(open_form(client, url)["form"], notes="乡镇的说明")
    client.force_login(county_user)
    theirs = post_data(open_form(client, url)["form"], notes="县里的说明")

    assert client.post(url, theirs).status_code == 302
    client.force_login(township_user)
    refused = client.post(url, mine)

    assert REFUSED in refused.content.decode()
    action.refresh_from_db()
    assert action.notes == "县里的说明"


def test_second_save_of_a_draft_visit_is_refused(client, township, township_user, colleague):
    visit = ScreeningVisitFactory(
        institution=InstitutionFactory(township=township), staff=township_user
    )
    url = reverse("screening:visit_update", args=[visit.pk])

    def opened(user, findings):
        client.force_login(user)
        context = open_form(client, url)
        return post_data(
            context["form"], formset_data(context["formset"]), findings=findings, action="draft"
        )

    mine, theirs = opened(township_user, "我的记录"), opened(colleague, "同事的记录")
    client.force_login(colleague)
    assert client.post(url, theirs).status_code == 302
    client.force_login(township_user)
    refused = client.post(url, mine)

    assert REFUSED in refused.content.decode()
    assert ScreeningVisit.objects.get(pk=visit.pk).findings == "同事的记录"


def test_second_save_of_a_weekly_report_draft_is_refused(
    client, township, township_user, colleague, monkeypatch
):
    from reporting.models import WeeklyReport
    from reporting.periods import ReportingWeek
    from tests.reporting.conftest import shanghai

    monkeypatch.setattr("core.clock.now", lambda: shanghai(2026, 11, 24, 9, 0))
    url = reverse("reporting:weekly_edit", args=[2026, 48])

    def opened(user, summary):
        client.force_login(user)
        return post_data(open_form(client, url)["form"], summary=summary, action="draft")

    # Neither report exists yet when both open the week: the first save creates it.
    mine, theirs = opened(township_user, "我写的周报"), opened(colleague, "同事写的周报")
    client.force_login(colleague)
    assert client.post(url, theirs).status_code == 302
    client.force_login(township_user)
    refused = client.post(url, mine)

    assert REFUSED in refused.content.decode()
    week = ReportingWeek(2026, 48)
    report = WeeklyReport.objects.get(township=township, year=week.year, week=week.week)
    assert report.summary == "同事写的周报"


def test_a_form_posted_without_its_version_is_refused_not_saved_unchecked(
    client, township, township_user
):
    institution = InstitutionFactory(township=township, principal="李秀英")
    url = reverse("institutions:update", args=[institution.pk])
    client.force_login(township_user)
    data = institution_edit(client, url, principal="王一")
    del data["edit_version"]

    refused = client.post(url, data)

    assert refused.status_code == 200
    assert "缺少打开时的记录版本" in refused.content.decode()
    assert Institution.objects.get(pk=institution.pk).principal == "李秀英"


def test_second_save_of_the_round_windows_is_refused(client, county, county_user):
    from screening.models import CampaignRound

    other = UserFactory(username="county2", unit=county, role="county_reviewer")
    url = reverse("screening:campaign_rounds")

    def opened(user, ends_on):
        client.force_login(user)
        return post_data(
            open_form(client, url)["form"],
            first_starts_on="2026-04-01",
            first_ends_on=ends_on,
        )

    mine, theirs = opened(county_user, "2026-04-30"), opened(other, "2026-05-15")
    client.force_login(other)
    assert client.post(url, theirs).status_code == 302
    client.force_login(county_user)
    refused = client.post(url, mine, follow=True)

    assert "修改了这些设置" in refused.content.decode()
    assert str(other) in refused.content.decode()
    window = CampaignRound.objects.get(unit=county, kind="first")
    assert window.ends_on.isoformat() == "2026-05-15"
    # The page now shows theirs, with their version: saving again from it works.
    again = post_data(refused.context["form"], first_ends_on="2026-04-30")
    assert client.post(url, again).status_code == 302
    assert CampaignRound.objects.get(unit=county, kind="first").ends_on.day == 30


def test_second_save_of_the_disposal_deadlines_is_refused(client, county, county_user):
    from disposal.levels import ActionType
    from disposal.selectors.settings import deadline_days

    other = UserFactory(username="county2", unit=county, role="county_reviewer")
    url = reverse("disposal:deadline_settings")
    key = ActionType.WARNING_TALK.value

    def opened(user, days):
        client.force_login(user)
        return post_data(open_form(client, url)["form"], **{key: str(days)})

    mine, theirs = opened(county_user, 5), opened(other, 9)
    client.force_login(other)
    assert client.post(url, theirs).status_code == 302
    client.force_login(county_user)
    refused = client.post(url, mine)

    assert "修改了这些设置" in refused.content.decode()
    assert deadline_days(county.path)[key] == 9


@pytest.mark.django_db(transaction=True)
def test_two_first_drafts_of_a_weekly_report_at_the_same_moment_make_one_report(
    township, township_user, colleague, monkeypatch
):
    """Two people of a township open the week before it has a report and save at the same
    moment: one report is made, the other person is told who was first (no 500)."""
    import threading

    from django.db import connection
    from django.test import Client

    from reporting.models import WeeklyReport
    from tests.reporting.conftest import shanghai

    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL's row locks: run with DATABASE_URL=postgres://… (CI)")
    monkeypatch.setattr("core.clock.now", lambda: shanghai(2026, 11, 24, 9, 0))
    url = reverse("reporting:weekly_edit", args=[2026, 48])
    clients, forms = [], []
    for user, summary in ((township_user, "我写的周报"), (colleague, "同事写的周报")):
        c = Client()
        c.force_login(user)
        clients.append(c)
        forms.append(post_data(open_form(c, url)["form"], summary=summary, action="draft"))

    # Both requests pass their SELECT before either INSERTs: the race, every time.
    barrier = threading.Barrier(2, timeout=20)
    original = WeeklyReport.full_clean

    def full_clean_then_wait(self, *args, **kwargs):
        original(self, *args, **kwargs)
        if self.pk is None:
            barrier.wait()

    monkeypatch.setattr(WeeklyReport, "full_clean", full_clean_then_wait)
    results = [None, None]

    def post(i):
        try:
            results[i] = clients[i].post(url, forms[i])
        finally:
            connection.close()

    threads = [threading.Thread(target=post, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)

    assert sorted(r.status_code for r in results) == [200, 302]
    refused = next(r for r in results if r.status_code == 200)
    assert REFUSED in refused.content.decode()
    assert WeeklyReport.objects.filter(township=township).count() == 1


def test_second_save_of_the_institution_plan_is_refused(client, township, township_user, colleague):
    from disposal.models import InstitutionPlan

    institution = InstitutionFactory(township=township)
    url = reverse("disposal:institution_plan", args=[institution.pk])

    def opened(user, text):
        client.force_login(user)
        return post_data(open_form(client, url)["form"], text=text)

    mine, theirs = opened(township_user, "约谈负责人"), opened(colleague, "联合执法关停")
    client.force_login(colleague)
    assert client.post(url, theirs).status_code == 302
    client.force_login(township_user)
    refused = client.post(url, mine)

    page = refused.content.decode()
    assert "您的文本未保存" in page and str(colleague) in page
    latest = InstitutionPlan.objects.filter(institution=institution).order_by("-version")
    assert [p.text for p in latest] == ["联合执法关停"]


def test_second_save_of_a_zeroing_entry_is_refused(client, township, township_user, colleague):
    from disposal.models import ZeroingEntry, ZeroingStatus
    from tests.factories import VenueFactory

    venue = VenueFactory(township=township)
    ZeroingEntry.objects.create(institution=venue, status=ZeroingStatus.OPEN)
    url = reverse("disposal:zeroing_detail", args=[venue.pk])

    def opened(user, notes):
        client.force_login(user)
        form = open_form(client, url)["assign_form"]
        return post_data(form, notes=notes, responsible_name="李干事")

    mine, theirs = opened(township_user, "我负责"), opened(colleague, "同事负责")
    client.force_login(colleague)
    assert client.post(url, theirs).status_code == 302
    client.force_login(township_user)
    refused = client.post(url, mine)

    assert REFUSED in refused.content.decode()
    assert ZeroingEntry.objects.get(institution=venue).notes == "同事负责"


def test_second_save_of_the_thresholds_is_refused(client, county, county_user):
    from risklists.models import ThresholdVersion

    other = UserFactory(username="county2", unit=county, role="county_reviewer")
    url = reverse("risklists:thresholds")

    def opened(user, complaints):
        client.force_login(user)
        return post_data(open_form(client, url)["form"], complaints=complaints, save="1")

    mine, theirs = opened(county_user, "3"), opened(other, "5")
    client.force_login(other)
    assert client.post(url, theirs).status_code == 302
    client.force_login(county_user)
    refused = client.post(url, mine)

    assert "您的修改未保存" in refused.content.decode()
    assert str(other) in refused.content.decode()
    assert [v.values["complaints"] for v in ThresholdVersion.objects.all()] == [5]


# --- the two single choices on the disposal settings page (issue 19, finding 4) -------------


@pytest.mark.parametrize(
    "form, mine, theirs, read",
    [
        (
            "policy_form",
            {"save_policy": "1"},  # mine: switch it off again (unticked)
            {"mechanism_for_every_orange": "on", "save_policy": "1"},
            lambda policy: policy.mechanism_for_every_orange,
        ),
        (
            "recipient_form",
            {"lead_notification_recipient": "属地人民政府和政法部门", "save_recipient": "1"},
            {"lead_notification_recipient": "县民政局养老股", "save_recipient": "1"},
            lambda policy: policy.lead_notification_recipient,
        ),
    ],
)
def test_second_save_of_a_disposal_policy_choice_is_refused_and_says_what_changed(
    client, county, county_user, form, mine, theirs, read
):
    """Two people of the county section open the settings page; the second to save one of
    the two single choices is told who changed it and what, and theirs is kept."""
    from disposal.models import DisposalPolicy
    from tests.formdata import version_of_page

    other = UserFactory(username="county2", unit=county, role="county_reviewer")
    url = reverse("disposal:deadline_settings")
    client.force_login(county_user)
    my_version = version_of_page(client, url, form)
    client.force_login(other)
    their_version = version_of_page(client, url, form)
    assert client.post(url, {**theirs, **their_version}).status_code == 302
    kept = read(DisposalPolicy.objects.get(unit=county))

    client.force_login(county_user)
    refused = client.post(url, {**mine, **my_version}, follow=True)

    page = refused.content.decode()
    assert REFUSED in page and str(other) in page
    assert "对方修改了" in page  # and what: the field, before → after
    assert read(DisposalPolicy.objects.get(unit=county)) == kept
    # The page now shows theirs, with their version: saving again from it works.
    again = version_of_page(client, url, form)
    assert client.post(url, {**mine, **again}).status_code == 302
    assert read(DisposalPolicy.objects.get(unit=county)) != kept


@pytest.mark.parametrize(
    "data",
    [
        {"mechanism_for_every_orange": "on", "save_policy": "1"},
        {"lead_notification_recipient": "县民政局养老股", "save_recipient": "1"},
    ],
)
def test_a_disposal_policy_choice_posted_without_its_version_is_not_saved(
    client, county, county_user, data
):
    from disposal.models import DisposalPolicy

    client.force_login(county_user)
    response = client.post(reverse("disposal:deadline_settings"), data, follow=True)

    assert "版本" in response.content.decode()
    assert not DisposalPolicy.objects.exists()


def test_second_save_of_a_townships_official_count_is_refused(
    client, county, township, county_user
):
    """二看: two people of the county section open a township's official count; the second
    save of the same date would silently replace the first."""
    from screening.models import OfficialCount
    from tests.formdata import version_of_page

    other = UserFactory(username="county2", unit=county, role="county_reviewer")
    url = reverse("screening:official_count_edit", args=[township.pk])
    client.force_login(county_user)
    mine = version_of_page(client, url)
    client.force_login(other)
    theirs = version_of_page(client, url)
    figure = {"as_of": "2026-06-30", "notes": ""}
    assert client.post(url, {**figure, "institutions": 11, **theirs}).status_code == 302

    client.force_login(county_user)
    refused = client.post(url, {**figure, "institutions": 9, **mine}, follow=True)
    missing = client.post(url, {**figure, "institutions": 9}, follow=True)

    assert REFUSED in refused.content.decode() and str(other) in refused.content.decode()
    assert "版本" in missing.content.decode()
    assert OfficialCount.objects.get().institutions == 11
    again = version_of_page(client, url)
    assert client.post(url, {**figure, "institutions": 9, **again}).status_code == 302
    assert OfficialCount.objects.get().institutions == 9
