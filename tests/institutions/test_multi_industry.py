"""衡山县 §一.二 第三 重点排查…涉足多产业领域的养老服务机构: the flag is set on the
registry form, shown on the institution's page, and the registry list filters by it within
the user's scope."""

import pytest
from django.urls import reverse

from institutions.models import Institution
from tests.factories import InstitutionFactory
from tests.formdata import version_of_page
from tests.institutions.test_views import form_data

pytestmark = pytest.mark.django_db


def registry(client, query=""):
    table = client.get(reverse("institutions:list") + query).context["table"]
    return {row.record.name for row in table.page.object_list}


def test_township_user_ticks_several_industries_on_the_form_and_the_page_says_so(
    client_for, township_user, township
):
    client = client_for(township_user)

    response = client.post(reverse("institutions:create"), form_data(township, multi_industry="on"))

    institution = Institution.objects.get(name="开云镇福寿养老院")
    assert response.status_code == 302
    assert institution.multi_industry is True
    assert institution.history.get().multi_industry is True
    page = client.get(institution.get_absolute_url()).content.decode()
    assert '涉足多产业领域</dt><dd class="col-7 col-md-8">是</dd>' in page


def test_unticking_it_is_kept_in_the_history(client_for, township_user, township):
    institution = InstitutionFactory(township=township, multi_industry=True)
    data = form_data(township, name=institution.name, credit_code=institution.credit_code)

    client = client_for(township_user)
    url = reverse("institutions:update", args=[institution.pk])
    client.post(url, {**version_of_page(client, url), **data})

    institution.refresh_from_db()
    assert institution.multi_industry is False
    latest = institution.history.order_by("-history_date", "-pk").first()
    assert latest.history_user == township_user
    changes = {c.field: (c.old, c.new) for c in latest.diff_against(latest.prev_record).changes}
    assert changes["multi_industry"] == (True, False)


def test_registry_list_filters_institutions_involved_in_several_industries(
    client_for, county_user, township, other_township
):
    several = InstitutionFactory(township=township, name="甲康养集团养老院", multi_industry=True)
    far = InstitutionFactory(township=other_township, name="乙文旅康养院", multi_industry=True)
    single = InstitutionFactory(township=township, name="丙敬老院", multi_industry=False)
    client = client_for(county_user)

    assert registry(client, "?multi_industry=yes") == {several.name, far.name}
    assert registry(client, "?multi_industry=no") == {single.name}
    assert registry(client, "") == {several.name, far.name, single.name}
    assert registry(client, f"?multi_industry=yes&township={township.pk}") == {several.name}
    page = client.get(reverse("institutions:list")).content.decode()
    assert 'name="multi_industry"' in page


def test_township_user_filters_only_within_own_township(
    client_for, township_user, township, other_township
):
    mine = InstitutionFactory(township=township, name="本镇多产业养老院", multi_industry=True)
    InstitutionFactory(township=other_township, name="外镇多产业养老院", multi_industry=True)

    assert registry(client_for(township_user), "?multi_industry=yes") == {mine.name}
