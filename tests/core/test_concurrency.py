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
