"""docs/policy-trace.md's Summary table says how many rows are done and not ours: it is
counted from the rows (scripts/trace_summary.py), and a test fails when the two part."""

import importlib.util
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location(
    "trace_summary", ROOT / "scripts" / "trace_summary.py"
)
trace_summary = importlib.util.module_from_spec(_spec)
sys.modules["trace_summary"] = trace_summary  # dataclasses look their module up there
_spec.loader.exec_module(trace_summary)

SAMPLE = """# Trace

## Part A — district

| clause | plan | feature | test | status |
|---|---|---|---|---|
| 成立工作组 | district §三(二) | `reporting/models.py` | `tests/x.py::test_a` | done: built |
| 一是 | district §一 | | | not ours: an aim |
| 二是 | district §一 | a page | `tests/x.py::test_b` | not ours: support only |

## Part B — 衡山县

| clause | plan | feature | test | status |
|---|---|---|---|---|
| 联系人 | 衡山县 §三 | | | not yet: the liaison |

## Summary

| status | district | 衡山县 | rows |
|---|---|---|---|
| done | 1 | 0 | 1 |
| not yet | 0 | 1 | 1 |
| not ours | 2 | 0 | 2 |
| **total** | **3** | **1** | **4** |

1 of the `not ours` rows also cite a test.
"""


def test_the_trace_summary_matches_its_rows():
    text = (ROOT / "docs" / "policy-trace.md").read_text(encoding="utf-8")

    assert trace_summary.differences(text) == []


def test_rows_are_counted_per_plan_and_status():
    counts = trace_summary.count_rows(SAMPLE)

    assert counts.count("done", "district") == 1
    assert counts.count("not ours", "district") == 2
    assert counts.count("not yet", "衡山县") == 1
    assert counts.not_ours_with_test == 1
    assert trace_summary.differences(SAMPLE) == []


def test_a_row_relabelled_without_its_count_is_reported():
    relabelled = SAMPLE.replace("| not ours: an aim |", "| done: now built |")

    found = trace_summary.differences(relabelled)

    assert found and "| done | 2 | 0 | 2 |" in found[0]
