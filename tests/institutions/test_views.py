import pytest
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from institutions.models import Institution, RegistrationStatus
from tests.factories import InstitutionFactory, VenueFactory, make_credit_code
from tests.formdata import version_of_page

pytestmark = pytest.mark.django_db


def form_data(township, **overrides):
    data = {
        "name": "开云镇福寿养老院",
        "registration_status": RegistrationStatus.REGISTERED_FILED,
        "credit_code": make_credit_code(777),
        "legal_form": "social_service",
        "ownership": "private",
        "township": township.pk,
        "beds": "60",
        "residents": "40",
        "legal_representative": "王建国",
        "principal": "李秀英",
        "actual_address": "开云镇城南社区8号",
        "contact_phone": "13900001111",
    }
    data.update(overrides)
    return data


def test_township_user_gets_404_for_other_township_detail_and_update(
    client_for, township_user, other_township
):
    foreign = InstitutionFactory(township=other_township)
    client = client_for(township_user)
    assert client.get(reverse("institutions:detail", args=[foreign.pk])).status_code == 404
    assert client.get(reverse("institutions:update", args=[foreign.pk])).status_code == 404
    response = client.post(
        reverse("institutions:update", args=[foreign.pk]), form_data(other_township)
    )
    assert response.status_code == 404
    response = client.post(reverse("institutions:archive", args=[foreign.pk]), {"reason": "x"})
    assert response.status_code == 404
    foreign.refresh_from_db()
    assert foreign.archived_at is None


def test_township_user_never_sees_other_township_in_list(
    client_for, township_user, township, other_township
):
    mine = InstitutionFactory(township=township, name="本镇养老院")
    foreign = InstitutionFactory(township=other_township, name="外镇养老院")
    client = client_for(township_user)
    for query in ["", f"?township={other_township.pk}", "?q=外镇"]:
        content = client.get(reverse("institutions:list") + query).content.decode()
        assert foreign.name not in content
    assert mine.name in client.get(reverse("institutions:list")).content.decode()


def test_county_user_filters_by_township_status_ownership_and_legal_form(
    client_for, county_user, township, other_township
):
    a = InstitutionFactory(
        township=township, name="甲养老院", ownership="public", legal_form="public_institution"
    )
    b = InstitutionFactory(township=other_township, name="乙养老院", ownership="private")
    venue = VenueFactory(township=other_township, name="丙颐养之家")
    client = client_for(county_user)
    url = reverse("institutions:list")

    def names(query):
        return {
            row.record.name for row in client.get(url + query).context["table"].page.object_list
        }

    assert names("") == {a.name, b.name, venue.name}
    assert names(f"?township={township.pk}") == {a.name}
    assert names("?registration_status=unregistered") == {venue.name}
    assert names("?ownership=public") == {a.name}
    assert names("?legal_form=public_institution") == {a.name}


def test_leader_can_read_but_not_create_or_edit(client_for, leader, township):
    institution = InstitutionFactory(township=township)
    client = client_for(leader)
    assert client.get(reverse("institutions:list")).status_code == 200
    assert client.get(reverse("institutions:detail", args=[institution.pk])).status_code == 200
    assert client.get(reverse("institutions:create")).status_code == 403
    assert client.post(reverse("institutions:create"), form_data(township)).status_code == 403
    assert client.get(reverse("institutions:update", args=[institution.pk])).status_code == 403
    assert (
        client.post(
            reverse("institutions:archive", args=[institution.pk]), {"reason": "x"}
        ).status_code
        == 403
    )
    assert Institution.objects.count() == 1
    page = client.get(reverse("institutions:detail", args=[institution.pk])).content.decode()
    assert reverse("institutions:update", args=[institution.pk]) not in page


def test_leader_sees_phone_numbers_masked(client_for, leader, township_user, township):
    institution = InstitutionFactory(township=township, contact_phone="13812345678")
    url = reverse("institutions:detail", args=[institution.pk])
    assert "138****5678" in client_for(leader).get(url).content.decode()
    assert "13812345678" not in client_for(leader).get(url).content.decode()
    assert "13812345678" in client_for(township_user).get(url).content.decode()


def test_township_user_adds_an_institution_in_own_township(client_for, township_user, township):
    client = client_for(township_user)
    response = client.post(reverse("institutions:create"), form_data(township))
    institution = Institution.objects.get(name="开云镇福寿养老院")
    assert response.status_code == 302
    assert response["Location"] == institution.get_absolute_url()
    assert institution.created_by == township_user
    assert institution.history.get().history_user == township_user


def test_township_user_cannot_add_into_other_township(client_for, township_user, other_township):
    client = client_for(township_user)
    response = client.post(reverse("institutions:create"), form_data(other_township))
    assert response.status_code == 200
    assert "township" in response.context["form"].errors
    assert not Institution.objects.exists()


def test_bad_credit_code_is_refused_with_a_message(client_for, township_user, township):
    client = client_for(township_user)
    data = form_data(township, credit_code="91350100M000100Y44")
    response = client.post(reverse("institutions:create"), data)
    assert response.status_code == 200
    assert "credit_code" in response.context["form"].errors
    assert not Institution.objects.exists()


def test_a_phone_that_is_not_one_is_refused_with_an_example(client_for, township_user, township):
    client = client_for(township_user)
    for typed in ("12345", "139", "abc"):
        data = form_data(township, contact_phone=typed)
        response = client.post(reverse("institutions:create"), data)
        assert response.status_code == 200
        assert "0734-5820307" in str(response.context["form"].errors["contact_phone"])
    assert not Institution.objects.exists()

    response = client.post(
        reverse("institutions:create"), form_data(township, contact_phone="0734-5820307转8001")
    )
    assert response.status_code == 302


def test_unregistered_venue_needs_no_credit_code(client_for, township_user, township):
    client = client_for(township_user)
    data = form_data(
        township,
        name="城南颐养之家",
        registration_status="unregistered",
        credit_code="",
        legal_form="",
        ownership="",
        venue_nature="individual",
        operator="赵德明",
    )
    assert client.post(reverse("institutions:create"), data).status_code == 302
    assert Institution.objects.get().is_venue


def test_history_records_who_edited_what(client_for, township_user, county_user, township):
    institution = InstitutionFactory(township=township, beds=50, legal_representative="张建国")
    client = client_for(township_user)
    data = form_data(
        township, name=institution.name, credit_code=institution.credit_code, beds="80"
    )
    url = reverse("institutions:update", args=[institution.pk])
    assert client.post(url, {**version_of_page(client, url), **data}).status_code == 302

    latest = institution.history.order_by("-history_date", "-pk").first()
    assert latest.history_user == township_user
    delta = latest.diff_against(latest.prev_record)
    changed = {c.field: (c.old, c.new) for c in delta.changes}
    assert changed["beds"] == (50, 80)
    assert changed["legal_representative"] == ("张建国", "王建国")

    page = client_for(county_user).get(reverse("institutions:detail", args=[institution.pk]))
    entry = page.context["history"][0]
    assert entry.record.history_user == township_user
    labels = {c.label: (c.old, c.new) for c in entry.changes}
    assert labels["床位数"] == ("50", "80")


def test_the_filing_date_is_on_the_form_and_kept_in_history(
    client_for, township_user, county_user, township
):
    """备案日期 (issue 20): typed on the form, its change shown on the record's history."""
    institution = InstitutionFactory(township=township, filed_on=None)
    client = client_for(township_user)
    url = reverse("institutions:update", args=[institution.pk])
    assert 'name="filed_on"' in client.get(url).content.decode()
    data = form_data(
        township,
        name=institution.name,
        credit_code=institution.credit_code,
        filed_on="2020-04-08",
    )
    assert client.post(url, {**version_of_page(client, url), **data}).status_code == 302

    institution.refresh_from_db()
    assert str(institution.filed_on) == "2020-04-08"
    page = client_for(county_user).get(reverse("institutions:detail", args=[institution.pk]))
    labels = {c.label: (c.old, c.new) for c in page.context["history"][0].changes}
    assert "备案日期" in labels
    assert "2020-04-08" in page.content.decode()


def test_archiving_keeps_the_record_and_needs_a_reason(client_for, township_user, township):
    institution = InstitutionFactory(township=township)
    client = client_for(township_user)
    url = reverse("institutions:archive", args=[institution.pk])
    client.post(url, {"reason": ""})
    institution.refresh_from_db()
    assert institution.archived_at is None
    client.post(url, {"reason": "已关停"})
    institution.refresh_from_db()
    assert institution.archived_at is not None
    assert institution.history.first().history_change_reason == "已关停"
    names = [
        r.record.name
        for r in client.get(reverse("institutions:list")).context["table"].page.object_list
    ]
    assert institution.name not in names
    archived = client.get(reverse("institutions:list") + "?archived=archived").context["table"]
    assert institution.name in [r.record.name for r in archived.page.object_list]


def test_only_county_restores_an_archived_record(client_for, township_user, county_user, township):
    institution = InstitutionFactory(township=township)
    client_for(township_user).post(
        reverse("institutions:archive", args=[institution.pk]), {"reason": "重复"}
    )
    url = reverse("institutions:restore", args=[institution.pk])
    assert client_for(township_user).post(url).status_code == 403
    assert client_for(county_user).post(url).status_code == 302
    institution.refresh_from_db()
    assert institution.archived_at is None


def list_queries(client, n, township):
    InstitutionFactory.create_batch(n, township=township)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("institutions:list") + "?per_page=200")
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_institution_list_uses_the_same_queries_for_10_and_200(
    client_for, county_user, township, django_assert_max_num_queries
):
    client = client_for(county_user)
    small = list_queries(client, 10, township)
    Institution.objects.all().delete()
    large = list_queries(client, 200, township)
    assert small == large
    with django_assert_max_num_queries(12):
        client.get(reverse("institutions:list") + f"?township={township.pk}")


def test_home_page_counts_only_what_the_user_sees(
    client_for, township_user, township, other_township, django_assert_max_num_queries
):
    InstitutionFactory.create_batch(3, township=township)
    VenueFactory(township=township)
    InstitutionFactory.create_batch(5, township=other_township)
    client = client_for(township_user)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("home"))
    assert response.context["totals"]["institutions"] == 3
    assert response.context["totals"]["venues"] == 1


def test_every_page_requires_login(client, township):
    institution = InstitutionFactory(township=township)
    for url in [
        reverse("home"),
        reverse("institutions:list"),
        reverse("institutions:create"),
        reverse("institutions:detail", args=[institution.pk]),
        reverse("institutions:update", args=[institution.pk]),
    ]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_create_form_is_prefilled_from_the_query_string(client_for, township_user, township):
    url = reverse("institutions:create") + "?name=城南颐养之家&registration_status=unregistered"
    form = client_for(township_user).get(url).context["form"]
    assert form.initial["name"] == "城南颐养之家"
    assert form.initial["registration_status"] == "unregistered"


def test_a_search_of_several_words_finds_rows_where_every_word_matches(
    client_for, township_user, township
):
    wanted = InstitutionFactory(township=township, name="开云镇康乐颐养院")
    by_address = InstitutionFactory(
        township=township, name="康乐之家", actual_address="衡山县开云镇老街8号"
    )
    InstitutionFactory(township=township, name="开云镇福寿养老院")
    InstitutionFactory(township=township, name="白果康乐居")

    for typed in ("开云 康乐", "开云　康乐", "康乐，开云"):
        response = client_for(township_user).get(reverse("institutions:list"), {"q": typed})
        assert set(response.context["table"].data) == {wanted, by_address}, typed


def test_words_of_a_search_each_match_some_field():
    from core.search import search_q, words

    assert words(" 开云　康乐,颐养 ") == ["开云", "康乐", "颐养"]
    assert search_q("", "name__icontains") == Q()
    assert len(search_q("开云 康乐", "name__icontains", "actual_address__icontains")) == 2
