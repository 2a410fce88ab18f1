from datetime import datetime

import pytest
from django.utils import timezone


def shanghai(*args) -> datetime:
    return datetime(*args, tzinfo=timezone.get_default_timezone())


@pytest.fixture
def frozen_clock(monkeypatch):
    """Set the reporting clock (only the clock): ``frozen_clock(shanghai(2026, 11, 24, 9))``."""

    def freeze(moment: datetime):
        monkeypatch.setattr("core.clock.now", lambda: moment)
        return moment

    return freeze
