import pytest


@pytest.fixture
def media_root(settings, tmp_path):
    """Uploads of a test go to a temporary folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT
