"""``manage.py bench`` prints one well-formed BENCH line per benchmark (docs/performance.md)."""

import re
from io import StringIO

import pytest
from django.core.management import call_command

from devtools.bench import facts_floor
from devtools.synthetic import SyntheticBuilder
from institutions.models import Institution

LINE = re.compile(
    r"^BENCH name=(?P<name>\w+) n=(?P<n>\d+) seconds=(?P<seconds>[\d.]+) "
    r"baseline_seconds=(?P<baseline>[\d.]+|na) ratio=(?P<ratio>[\d.]+|na) "
    r"peak_mb=(?P<peak>\d+|na) queries=(?P<queries>\d+|na)( \w+=\S+)*$"
)


@pytest.mark.django_db
def test_bench_generates_the_data_set_and_prints_a_line_per_benchmark():
    out = StringIO()
    call_command(
        "bench",
        institutions=60,
        only=[
            "rate_all",
            "risk_list_page",
            "institution_list_page",
            "export_50k",
            "api_institutions",
        ],
        in_process=True,
        stdout=out,
    )
    lines = [line for line in out.getvalue().splitlines() if line.startswith("BENCH")]
    found = {}
    for line in lines:
        match = LINE.match(line)
        assert match, line
        found[match["name"]] = match
    assert set(found) == {
        "rate_all",
        "risk_list_page",
        "institution_list_page",
        "export_50k",
        "api_institutions",
    }
    assert int(found["rate_all"]["n"]) == Institution.objects.active().count()
    # The whole province's list in one file, never truncated, in one query for the rows.
    assert int(found["export_50k"]["n"]) == Institution.objects.count()
    assert f"rows={Institution.objects.count()} " in found["export_50k"].string
    assert int(found["export_50k"]["queries"]) <= 3
    # Every active institution through the API, page by page, ≤ 15 queries a page.
    assert int(found["api_institutions"]["n"]) == Institution.objects.active().count()
    assert 0 < int(found["api_institutions"]["queries"]) <= 15
    for name in ("risk_list_page", "institution_list_page"):
        assert 0 < int(found[name]["queries"]) <= 15
        assert found[name]["baseline"] != "na"


@pytest.mark.django_db
def test_bench_refuses_a_database_holding_another_size():
    SyntheticBuilder(40, seed=1).build()
    with pytest.raises(Exception, match="holds a synthetic province of 40"):
        call_command(
            "bench", institutions=60, only=["rate_all"], in_process=True, stdout=StringIO()
        )


@pytest.mark.django_db
def test_the_floor_query_covers_every_active_institution():
    SyntheticBuilder(40, seed=2).build()
    assert facts_floor() == Institution.objects.active().count()
