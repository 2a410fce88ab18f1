"""A pack's shared reads started ahead in threads of their own (core/background.py): on
PostgreSQL outside a transaction the database reads while the first tables are written. The
pack is the same pack, cell for cell and check for check; a read that fails fails the
pack; inside a transaction (where another connection would not see this one's rows) the
reads stay in place."""

from datetime import date

import pytest
from django.db import connection, transaction

from core import background
from reporting.choices import ReportSet
from reporting.xlsx import district

from .conftest import shanghai
from .helpers import entered_before
from .test_asof import BEFORE_DEADLINE, WEEK, build
from .test_asof import campaign as campaign  # the fixture

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def postgres():
    if connection.vendor != "postgresql":
        pytest.skip("needs a second connection that sees the data: PostgreSQL (CI)")


@pytest.fixture
def started(monkeypatch):
    """The keys of the reads started in the background."""
    keys = []
    start = background.start_reads

    def spy(reads):
        keys.extend(reads)
        return start(reads)

    monkeypatch.setattr("reporting.xlsx.attachments.start_reads", spy)
    return keys


def test_reads_ahead_give_the_same_pack(
    postgres, campaign, county, frozen_clock, tmp_path, settings, started
):
    report_set, unit = ReportSet.DISTRICT_WEEKLY, county
    # Committed, the records' own hooks ran (the re-rating after each change): all of it
    # before the deadline, as in the pack of test_asof.
    entered_before(BEFORE_DEADLINE)
    frozen_clock(shanghai(2026, 11, 25, 9))
    settings.BACKGROUND_READS = False
    in_place, in_place_checks = build(report_set, unit, WEEK, tmp_path / "in-place")
    assert started == []

    settings.BACKGROUND_READS = True
    ahead, ahead_checks = build(report_set, unit, WEEK, tmp_path / "ahead")

    assert set(started) == set(district.READS)
    assert ahead == in_place
    assert ahead_checks == in_place_checks
    assert "白果黄" in str(ahead)  # the pack has the week's data (the yellow list)


def test_a_read_that_fails_fails_the_pack(
    postgres, campaign, county, frozen_clock, tmp_path, monkeypatch, started
):
    def broken(context):
        raise RuntimeError("the database went away")

    monkeypatch.setitem(district.READS, "results", broken)
    frozen_clock(shanghai(2026, 11, 25, 9))

    with pytest.raises(RuntimeError, match="the database went away"):
        build(ReportSet.DISTRICT_WEEKLY, county, WEEK, tmp_path / "pack")
    assert "results" in started


def test_inside_a_transaction_the_reads_stay_in_place(postgres, settings):
    settings.BACKGROUND_READS = True
    assert background.background_reads_possible()
    with transaction.atomic():
        assert not background.background_reads_possible()


def test_a_read_runs_in_the_callers_language_and_hands_over_its_result():
    from django.utils import translation
    from django.utils.translation import gettext as _

    with translation.override("zh-hans"):
        futures = background.start_reads({"word": lambda: _("Yes"), "day": date.today})
    assert futures["word"].result(timeout=10) == "是"
    assert futures["day"].result(timeout=10) == date.today()


def test_rows_read_ahead_and_left_unread_are_stopped_when_the_pack_ends(postgres):
    """A table that took its rows and failed before reading them: the thread reading them
    ends with the pack instead of waiting for a reader for ever."""
    import threading

    from reporting.xlsx.attachments import ReportContext

    context = ReportContext(None, None, None, date.today())
    context.stream_ahead({"rows": lambda: iter(range(100_000))})
    context.rows("rows", list)  # taken, never read
    context.close()

    deadline = threading.Event()
    for _ in range(20):
        if not any(t.name == "read-ahead-rows" for t in threading.enumerate()):
            break
        deadline.wait(0.25)
    assert not any(t.name == "read-ahead-rows" for t in threading.enumerate())
