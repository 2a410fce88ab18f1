"""The site's own pages: the icon every browser asks for."""

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_icon_is_found_before_and_after_login(client, client_for, township_user):
    anonymous = client.get("/favicon.ico")
    assert anonymous.status_code == 301
    assert anonymous["Location"].endswith("img/favicon.svg")
    assert finders.find("img/favicon.svg")  # served from the project's own static files

    page = client_for(township_user).get(reverse("home")).content.decode()
    assert 'rel="icon"' in page and "img/favicon.svg" in page
