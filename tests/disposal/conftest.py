import pytest
from django.urls import clear_url_caches


@pytest.fixture(autouse=True)
def disposal_urls(settings):
    """Reach disposal's pages whether or not config/urls.py includes them yet."""
    settings.ROOT_URLCONF = "tests.disposal.urls"
    clear_url_caches()
    yield
    clear_url_caches()


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
