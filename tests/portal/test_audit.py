"""The audit log page: who changed what, when, to which record; scoped, filtered, paginated."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from institutions.services import archive_institution, save_institution
from tests.factories import CountyFactory, InstitutionFactory, TownshipFactory, UserFactory
from tests.reporting.factories import WeeklyReportFactory
from tests.screening.factories import ScreeningVisitFactory

pytestmark = pytest.mark.django_db

URL = reverse("audit_log")


def edit(user, institution, **changes):
    for name, value in changes.items():
        setattr(institution, name, value)
    return save_institution(user=user, institution=institution)


def rows(client, query=""):
    response = client.get(URL + query)
    assert response.status_code == 200
    return response.context["entries"]


@pytest.fixture
def history(township, other_township, township_user, other_township_user):
    """Changes in two townships, by two people, to institutions, a visit and a weekly report."""
    mine = edit(township_user, InstitutionFactory.build(township=township, name="开云镇福寿养老院"))
    edit(township_user, mine, beds=80)
    theirs = edit(
        other_township_user,
        InstitutionFactory.build(township=other_township, name="白果镇夕阳红公寓"),
    )
    archive_institution(user=other_township_user, institution=theirs, reason="已停业")
    ScreeningVisitFactory(institution=mine, staff=township_user)
    WeeklyReportFactory(township=township)
    return mine, theirs


def test_county_section_sees_who_did_what_when_to_which_record(client_for, county_user, history):
    mine, _ = history

    entries = rows(client_for(county_user))

    change = next(e for e in entries if e.record_label.endswith(mine.name) and e.changes)
    assert change.user.username == "kaiyun"
    assert change.action == "修改"
    assert [(c.old, c.new) for c in change.changes if c.new == "80"] == [("50", "80")]
    assert change.url == reverse("institutions:detail", args=[mine.pk])
    assert {e.kind.code for e in entries} >= {
        "institutions.Institution",
        "screening.ScreeningVisit",
        "reporting.WeeklyReport",
    }


def test_page_shows_names_links_and_changes(client_for, county_user, history):
    mine, _ = history

    html = client_for(county_user).get(URL).content.decode()

    assert "开云镇福寿养老院" in html
    assert f'href="{reverse("institutions:detail", args=[mine.pk])}"' in html
    assert "已停业" not in html or "白果镇夕阳红公寓" in html


@pytest.mark.parametrize("who", ["township_user", "leader", "administrator"])
def test_other_roles_are_refused(request, client_for, who, history):
    client = client_for(request.getfixturevalue(who))

    assert client.get(URL).status_code == 403


def test_anonymous_is_sent_to_login(client):
    response = client.get(URL)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_another_county_sees_nothing_of_this_one(client_for, history):
    elsewhere = CountyFactory(name="南岳区")
    reviewer = UserFactory(unit=elsewhere, role="county_reviewer")

    # Only its own county's accounts and units (made by the test), nothing of this county.
    entries = rows(client_for(reviewer))
    assert {e.kind.code for e in entries} <= {"accounts.User", "accounts.OrgUnit"}
    assert {e.record_label.split(" · ")[-1] for e in entries} <= {"南岳区", reviewer.username}


def test_filters_by_user_township_kind_change_and_dates(
    client_for, county_user, township_user, other_township, history
):
    client = client_for(county_user)
    today = timezone.localdate()

    assert {e.user.username for e in rows(client, f"?user={township_user.pk}")} == {"kaiyun"}
    assert {
        e.institution for e in rows(client, f"?township={other_township.pk}&kind=institutions")
    } == {"白果镇夕阳红公寓"}
    assert {e.kind.code for e in rows(client, "?kind=screening.ScreeningVisit")} == {
        "screening.ScreeningVisit"
    }
    assert {e.kind.code for e in rows(client, "?kind=reporting")} == {"reporting.WeeklyReport"}
    assert {e.action for e in rows(client, "?history_type=%2B")} == {"新建"}
    assert rows(client, f"?date_from={today + timedelta(days=1)}") == []
    assert len(rows(client, f"?date_from={today}&date_to={today}")) >= 5


def test_record_deleted_by_an_administrator_stays_in_the_log(client_for, county_user, township):
    gone = InstitutionFactory(township=township, name="已删除养老院")
    gone.delete()

    entries = rows(client_for(county_user), "?history_type=-")

    assert [e.record_label.split(" · ")[-1] for e in entries] == ["已删除养老院"]
    assert entries[0].url == ""


def make_changes(user, township, n):
    for i in range(n):
        institution = edit(user, InstitutionFactory.build(township=township, name=f"养老院{i}"))
        edit(user, institution, beds=60 + i)
        ScreeningVisitFactory(institution=institution, staff=user)
        WeeklyReportFactory(township=township, week=i + 1)


def test_the_number_of_queries_does_not_grow_with_the_rows(
    client_for, county_user, township, township_user, django_assert_max_num_queries
):
    client = client_for(county_user)
    make_changes(township_user, township, 3)
    with django_assert_max_num_queries(20) as few:
        entries = rows(client)
    assert len([e for e in entries if e.kind.model._meta.app_label != "accounts"]) == 12

    elsewhere = TownshipFactory(parent=township.parent)
    make_changes(UserFactory(unit=elsewhere), elsewhere, 30)
    for page in ("", "?page=2"):
        with django_assert_max_num_queries(len(few.captured_queries)):
            assert len(rows(client, page)) == 50


def test_changes_to_accounts_and_units_are_in_the_log_within_the_county(
    client_for, county_user, administrator, township, township_user
):
    """Who gave a colleague another role, who renamed a village: the county section reads it
    beside the records' changes; another county's accounts and units stay out of sight."""
    from accounts.models import Role

    township_user.role = Role.COUNTY_REVIEWER
    township_user._history_user = administrator
    township_user.save()
    township.name = "开云镇（新）"
    township._history_user = administrator
    township.save()
    far = TownshipFactory(name="大浦镇", parent=CountyFactory(name="衡东县"))
    stranger = UserFactory(username="dapu", unit=far)
    stranger.phone = "13912345678"
    stranger.save()

    entries = rows(client_for(county_user), "?kind=accounts")

    labels = [e.record_label for e in entries]
    role_change = next(e for e in entries if e.record_label.endswith("kaiyun") and e.changes)
    assert role_change.user == administrator
    assert any(c.label == "角色" for c in role_change.changes)
    unit_change = next(e for e in entries if e.record_label.endswith("开云镇（新）") and e.changes)
    assert [(c.old, c.new) for c in unit_change.changes] == [("开云镇", "开云镇（新）")]
    assert not any("dapu" in label or "大浦镇" in label for label in labels)
    assert not any(c.label == "密码" for e in entries for c in e.changes)


def test_logging_in_is_not_a_change_to_the_account(client, township_user):
    before = township_user.history.count()

    client.force_login(township_user)
    client.get("/")

    township_user.refresh_from_db()
    assert township_user.last_login is not None
    assert township_user.history.count() == before


def test_a_packs_structured_fields_show_as_changed_not_as_their_keys(client_for, county_user):
    from reporting.models import ReportRun, ReportSet, RunStatus

    run = ReportRun.objects.create(
        unit=county_user.unit,
        report_set=ReportSet.choices[0][0],
        year=2026,
        week=49,
        requested_by=county_user,
        requested_at=timezone.now(),
    )
    run.status = RunStatus.DONE
    run.checks = [{"code": "rows", "clause": "附件2", "passed": True, "max": None}]
    run.files = [{"number": 1, "title": "附件1", "name": "x.xlsx", "size": 1}]
    run.save()

    entries = rows(client_for(county_user), "?kind=reporting.ReportRun")
    html = client_for(county_user).get(URL + "?kind=reporting.ReportRun").content.decode()

    changed = {c.label for e in entries for c in e.changes}
    assert {"数据核对结果", "文件"} <= changed
    for word in ("clause", "passed", "None", "True", '"size"'):
        assert word not in html
