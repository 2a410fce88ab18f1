"""Error pages speak the user's language, inside the site's layout, and say where to go; the
500 page needs no database (it may be what failed)."""

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.views.defaults import server_error

from tests.factories import InstitutionFactory

pytestmark = pytest.mark.django_db


def test_a_missing_page_is_chinese_with_the_menu_and_a_way_home(client_for, township_user):
    response = client_for(township_user).get("/no-such-page/")

    page = response.content.decode()
    assert response.status_code == 404
    assert "未找到" in page and 'id="menu-screening"' in page
    assert f'href="{reverse("home")}"' in page
    assert "Not Found" not in page


def test_another_townships_record_answers_the_same_404_page(
    client_for, township_user, other_township
):
    foreign = InstitutionFactory(township=other_township)

    response = client_for(township_user).get(foreign.get_absolute_url())

    assert response.status_code == 404
    assert 'id="error-page"' in response.content.decode()


def test_a_refused_page_says_why_in_chinese(client_for, township_user):
    response = client_for(township_user).get(reverse("audit_log"))

    page = response.content.decode()
    assert response.status_code == 403
    assert "您的角色" in page and 'id="menu-screening"' in page
    assert "403 Forbidden" not in page


def test_a_bad_request_is_chinese(client):
    response = client.get("/", HTTP_HOST="evil.example")

    assert response.status_code == 400
    assert "无法理解" in response.content.decode()


def test_the_server_error_page_needs_no_database(django_assert_num_queries):
    request = RequestFactory().get("/")

    with django_assert_num_queries(0):
        response = server_error(request)

    page = response.content.decode()
    assert response.status_code == 500
    assert "服务器" in page and "Server Error" not in page
