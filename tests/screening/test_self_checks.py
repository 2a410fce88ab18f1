"""自查自改 (衡山县 §三, §三.一: 要求各养老服务机构对照检查内容，认真开展自查自改): a
self-check per institution and round, entered by township staff from the institution's
signed paper; listed per township with who has not handed one in for the current round."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from screening.models import CampaignRound, Rectification, ScreeningRound, SelfCheck
from tests.exporting import column, queries_of, sheet_rows
from tests.factories import InstitutionFactory

from .factories import SelfCheckFactory

pytestmark = pytest.mark.django_db

LIST = reverse("screening:self_check_list")
MISSING = reverse("screening:self_check_missing")


def today():
    return timezone.localdate()


def form_data(**overrides):
    data = {
        "round": ScreeningRound.FIRST,
        "checked_on": (today() - timedelta(days=2)).isoformat(),
        "signed_by": "李建国",
        "signer_position": "院长",
        "findings": "",
        "measures": "",
        "fix_by": "",
        "fixed_on": "",
        "edit_version": "new",
    }
    data.update(overrides)
    return data


def create(client, institution, **overrides):
    url = reverse("screening:self_check_create") + f"?institution={institution.pk}"
    return client.post(url, form_data(**overrides))


def test_township_staff_record_the_institutions_self_check_and_its_page_shows_it(
    client_for, township, township_user
):
    institution = InstitutionFactory(township=township, name="福寿养老院")
    client = client_for(township_user)

    response = create(
        client,
        institution,
        issue_charging="on",
        issue_promised_returns="on",
        findings="向12名老人收取会员费并承诺每年返利8%",
        measures="停止收取会员费，逐一退还",
        fix_by=(today() + timedelta(days=20)).isoformat(),
    )

    assert response.status_code == 302
    check = SelfCheck.objects.get(institution=institution)
    assert (check.issue_charging, check.issue_promised_returns, check.issue_marketing) == (
        True,
        True,
        False,
    )
    assert check.rectification() == Rectification.OPEN
    assert check.created_by == township_user
    assert [h.history_user for h in check.history.all()] == [township_user]
    page = client.get(institution.get_absolute_url()).content.decode()
    assert reverse("screening:self_check_detail", args=[check.pk]) in page
    detail = client.get(reverse("screening:self_check_detail", args=[check.pk]))
    assert "向12名老人收取会员费" in detail.content.decode()


def test_a_problem_found_needs_what_was_found_the_measures_and_a_deadline(
    client_for, township, township_user
):
    institution = InstitutionFactory(township=township)

    response = create(client_for(township_user), institution, issue_marketing="on")

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert {"findings", "measures", "fix_by"} <= set(errors)
    assert not SelfCheck.objects.exists()


def test_one_self_check_per_institution_and_round(client_for, township, township_user):
    institution = InstitutionFactory(township=township)
    SelfCheckFactory(institution=institution, round=ScreeningRound.FIRST)
    client = client_for(township_user)

    again = create(client, institution, round=ScreeningRound.FIRST)
    look_back = create(client, institution, round=ScreeningRound.LOOK_BACK)

    assert again.status_code == 200
    assert "round" in again.context["form"].errors
    assert look_back.status_code == 302
    assert SelfCheck.objects.filter(institution=institution).count() == 2
    with pytest.raises(IntegrityError), transaction.atomic():
        SelfCheck.objects.create(
            institution=institution,
            round=ScreeningRound.FIRST,
            checked_on=today(),
            signed_by="王五",
        )


def test_another_townships_self_check_is_not_found(client_for, township, other_township_user):
    check = SelfCheckFactory(institution=InstitutionFactory(township=township))
    client = client_for(other_township_user)

    for name in ("screening:self_check_detail", "screening:self_check_update"):
        assert client.get(reverse(name, args=[check.pk])).status_code == 404
    create_url = reverse("screening:self_check_create") + f"?institution={check.institution_id}"
    assert client.get(create_url).status_code == 404
    assert check.institution.name not in client.get(LIST).content.decode()


def test_township_staff_cannot_delete_a_self_check_the_county_deletes_a_wrong_one(
    client_for, township, township_user, county_user
):
    check = SelfCheckFactory(institution=InstitutionFactory(township=township))
    url = reverse("screening:self_check_delete", args=[check.pk])

    refused = client_for(township_user).post(url, {"confirm": "on"})
    assert refused.status_code == 403
    assert SelfCheck.objects.filter(pk=check.pk).exists()

    client_for(county_user).post(url, {"confirm": "on"})
    assert not SelfCheck.objects.filter(pk=check.pk).exists()
    assert [h.history_type for h in SelfCheck.history.filter(id=check.pk)] == ["-", "+"]


def windows(county):
    """The county's first round long started, its look-back round started last week."""
    CampaignRound.objects.create(
        unit=county,
        kind=ScreeningRound.FIRST,
        starts_on=today() - timedelta(days=200),
        ends_on=today() - timedelta(days=150),
    )
    CampaignRound.objects.create(
        unit=county,
        kind=ScreeningRound.LOOK_BACK,
        starts_on=today() - timedelta(days=7),
        ends_on=today() + timedelta(days=30),
    )


def test_the_list_counts_per_township_who_has_not_handed_in_for_the_current_round(
    client_for, county, township, other_township, township_user, county_user
):
    windows(county)
    done = InstitutionFactory(township=township, name="已交养老院")
    first_only = InstitutionFactory(township=township, name="只交首轮养老院")
    none = InstitutionFactory(township=township, name="未交养老院")
    elsewhere = InstitutionFactory(township=other_township, name="外镇养老院")
    SelfCheckFactory(institution=done, round=ScreeningRound.LOOK_BACK)
    SelfCheckFactory(institution=first_only, round=ScreeningRound.FIRST)

    page = client_for(county_user).get(LIST)

    assert page.context["round_kind"] == ScreeningRound.LOOK_BACK  # the current round
    listed = [row.record.institution for row in page.context["table"].page.object_list]
    assert listed == [done]
    rows = {row.township: row for row in page.context["summary"]}
    assert (rows[township].institutions, rows[township].handed_in, rows[township].missing) == (
        3,
        1,
        2,
    )
    assert rows[other_township].missing == 1

    missing = client_for(township_user).get(MISSING)
    names = [row.record.name for row in missing.context["table"].page.object_list]
    assert sorted(names) == sorted([first_only.name, none.name])
    assert elsewhere.name not in missing.content.decode()
    first_round = client_for(township_user).get(MISSING + f"?round={ScreeningRound.FIRST}")
    names = [row.record.name for row in first_round.context["table"].page.object_list]
    assert sorted(names) == sorted([done.name, none.name])


def test_the_lists_export_what_they_show_and_never_another_townships(
    client_for, township, other_township, township_user
):
    SelfCheckFactory(institution=InstitutionFactory(township=township, name="=1+1"))
    SelfCheckFactory(institution=InstitutionFactory(township=other_township, name="外镇养老院"))
    InstitutionFactory(township=township, name="未交养老院")
    client = client_for(township_user)

    _headers, rows = sheet_rows(client.get(reverse("screening:self_check_list_export")))
    assert rows[0][0] == ("=1+1", "s")  # typed text stays text
    assert len(rows) == 1
    _headers, rows = sheet_rows(client.get(reverse("screening:self_check_missing_export")))
    assert column(rows, 0) == ["未交养老院"]


def test_the_rectification_filter_finds_the_overdue(client_for, township, township_user):
    overdue = SelfCheckFactory(
        institution=InstitutionFactory(township=township),
        checked_on=today() - timedelta(days=30),
        issue_charging=True,
        findings="收取押金超过12个月床位费",
        measures="退还超出部分",
        fix_by=today() - timedelta(days=1),
    )
    SelfCheckFactory(institution=InstitutionFactory(township=township))  # nothing found

    page = client_for(township_user).get(LIST + f"?rectification={Rectification.OVERDUE}")

    assert [row.record for row in page.context["table"].page.object_list] == [overdue]
    assert overdue.rectification() == Rectification.OVERDUE


@pytest.mark.parametrize("n", [2, 30])
def test_the_list_takes_the_same_queries_whatever_the_rows(
    n, client_for, township, county_user, django_assert_max_num_queries
):
    for _ in range(n):
        SelfCheckFactory(institution=InstitutionFactory(township=township))
        InstitutionFactory(township=township)  # not handed in
    client = client_for(county_user)
    client.get(LIST)

    with django_assert_max_num_queries(11):
        response = client.get(LIST)
    with django_assert_max_num_queries(9):
        missing = client.get(MISSING)
    assert response.status_code == missing.status_code == 200
    assert missing.context["table"].paginator.count == n
    assert queries_of(client, reverse("screening:self_check_list_export")) <= 5
    assert queries_of(client, reverse("screening:self_check_missing_export")) <= 6
