"""Count the rows of docs/policy-trace.md by status and plan, and check its Summary table.

    .venv/bin/python scripts/trace_summary.py          # print the counted Summary table
    .venv/bin/python scripts/trace_summary.py --check  # exit 1 when the file's table differs

A row is a line of a clause table (five cells: clause, plan, feature, test, status) in Part A
(the district plan) or Part B (the 衡山县 plan); its status is the start of its last cell:
``done``, ``not yet`` or ``not ours``. The Summary also says how many ``not ours`` rows cite a
test as support; that number is counted too.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

TRACE = Path(__file__).resolve().parent.parent / "docs" / "policy-trace.md"
STATUSES = ("done", "not yet", "not ours")
PLANS = {"## Part A": "district", "## Part B": "衡山县"}


@dataclass
class Counts:
    rows: dict[tuple[str, str], int] = field(default_factory=dict)
    not_ours_with_test: int = 0

    def count(self, status: str, plan: str | None = None) -> int:
        return sum(n for (s, p), n in self.rows.items() if s == status and plan in (None, p))

    def total(self, plan: str | None = None) -> int:
        return sum(self.count(status, plan) for status in STATUSES)


def _cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.strip().removeprefix("|").removesuffix("|").split("|")]


def count_rows(text: str) -> Counts:
    counts = Counts()
    plan = None
    for line in text.splitlines():
        if line.startswith("## "):
            plan = next((p for head, p in PLANS.items() if line.startswith(head)), None)
            continue
        if plan is None or not line.startswith("| "):
            continue
        cells = _cells(line)
        if len(cells) != 5 or cells[0] == "clause":
            continue
        status = next((s for s in STATUSES if cells[4].startswith(s)), None)
        if status is None:
            raise ValueError(f"a row without a status: {line[:80]}")
        counts.rows[(status, plan)] = counts.rows.get((status, plan), 0) + 1
        if status == "not ours" and cells[3]:
            counts.not_ours_with_test += 1
    return counts


def summary_table(counts: Counts) -> str:
    lines = ["| status | district | 衡山县 | rows |", "|---|---|---|---|"]
    for status in STATUSES:
        per_plan = [counts.count(status, plan) for plan in PLANS.values()]
        lines.append(f"| {status} | {per_plan[0]} | {per_plan[1]} | {counts.count(status)} |")
    totals = [counts.total(plan) for plan in PLANS.values()]
    lines.append(f"| **total** | **{totals[0]}** | **{totals[1]}** | **{counts.total()}** |")
    return "\n".join(lines)


SUPPORT = re.compile(r"(\d+) of the `not ours` rows also cite")


def stated_summary(text: str) -> tuple[str, int | None]:
    """The Summary table as the file has it, and the number of supported ``not ours`` rows
    its text states."""
    summary = text.split("\n## Summary\n", 1)[1]
    table = "\n".join(line for line in summary.strip().splitlines() if line.startswith("|"))
    stated = SUPPORT.search(summary)
    return table, int(stated.group(1)) if stated else None


def differences(text: str) -> list[str]:
    counts = count_rows(text)
    table, supported = stated_summary(text)
    found = []
    if table != summary_table(counts):
        found.append("the Summary table differs from the rows:\n" + summary_table(counts))
    if supported != counts.not_ours_with_test:
        found.append(
            f"the Summary says {supported} `not ours` rows cite a test; "
            f"{counts.not_ours_with_test} do"
        )
    return found


def main(argv: list[str]) -> int:
    text = TRACE.read_text(encoding="utf-8")
    if "--check" in argv:
        found = differences(text)
        for message in found:
            print(message)
        return 1 if found else 0
    counts = count_rows(text)
    print(summary_table(counts))
    print(f"\n{counts.not_ours_with_test} `not ours` rows cite a test as support.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
