"""make mutation (issue 20): do the tests notice when a rule of the plans is broken?

mutmut (configured in pyproject.toml, [tool.mutmut]) changes the rule code one small step at
a time and runs the tests that reach the changed function. This script runs it area by area
and scores each area against its target:

    .venv/bin/python scripts/mutation.py                  # run every area, then score
    .venv/bin/python scripts/mutation.py engine facts     # only these areas
    .venv/bin/python scripts/mutation.py --score-only     # score what mutants/ holds
    .venv/bin/python scripts/mutation.py --survivors      # after new tests: survivors again

The score of an area is killed / (mutants tried - mutants listed as equivalent): a timeout
counts as killed (the change made the tests hang, they noticed), a mutant no test reaches
("no tests") counts as surviving. Equivalent mutants (a change no behaviour can tell from
the original) are listed by name, with the reason, in docs/policy-trace.md, section
"Mutation testing"; a listed mutant that is in fact killed is reported, so the list stays
true. The script exits 1 when an area is below its target, was not run in full, or has a
surviving mutant that is not listed.

mutmut maps tests to functions once and then only adds new tests: after a function was added
to an area, remove mutants/mutmut-stats.json so that every test is mapped to it again.

MUTATION_CHILDREN (default 1) is how many mutants run at once: the tests of one mutant are
one pytest process.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TRACE = ROOT / "docs" / "policy-trace.md"
MUTANTS = ROOT / "mutants"


@dataclass(frozen=True)
class Area:
    name: str
    label: str
    files: tuple[str, ...]
    target: float  # percent


AREAS: tuple[Area, ...] = (
    Area("engine", "the rule engine", ("risklists/engine.py",), 90),
    Area("facts", "the facts builder", ("risklists/facts.py", "risklists/figures.py"), 90),
    Area(
        "disposal",
        "the disposal level rules and the 清零 target",
        ("disposal/levels.py", "disposal/selectors/zeroing.py"),
        80,
    ),
    Area(
        "packs",
        "the pack selectors",
        tuple(
            f"reporting/selectors/{name}.py"
            for name in ("baseline", "common", "lists", "progress", "publicity", "results")
        ),
        80,
    ),
)
AREAS_BY_NAME = {area.name: area for area in AREAS}

# mutmut's exit codes (mutmut.stats.status_by_exit_code), in the words used here.
KILLED_CODES = {1, 3, 36, -24, 24, 152, 255, 37}  # killed, timeout, type check
SURVIVED_CODES = {0}
NO_TESTS_CODES = {5, 33}
SKIPPED_CODES = {34}


@dataclass
class Score:
    area: Area
    killed: int = 0
    survived: list[str] = field(default_factory=list)
    no_tests: list[str] = field(default_factory=list)
    suspicious: list[str] = field(default_factory=list)
    not_checked: int = 0
    equivalent: list[str] = field(default_factory=list)
    listed_but_killed: list[str] = field(default_factory=list)

    @property
    def tried(self) -> int:
        return self.killed + len(self.survived) + len(self.no_tests) + len(self.suspicious)

    @property
    def percent(self) -> float | None:
        counted = self.tried - len(self.equivalent)
        return None if counted <= 0 else 100 * self.killed / counted

    @property
    def passed(self) -> bool:
        return (
            self.percent is not None and self.not_checked == 0 and self.percent >= self.area.target
        )

    @property
    def unexplained(self) -> list[str]:
        listed = set(self.equivalent)
        return [
            name for name in self.survived + self.no_tests + self.suspicious if name not in listed
        ]


def area_files(area: Area) -> list[str]:
    files: list[str] = []
    for pattern in area.files:
        files += sorted(
            str(path.relative_to(ROOT))
            for path in ROOT.glob(pattern)
            if path.name != "__init__.py" or path.stat().st_size
        )
    return files


def module_glob(path: str) -> str:
    """mutmut's mutant names for a file: ``risklists.engine.*``."""
    return path.removesuffix(".py").replace("/", ".") + ".*"


def equivalent_mutants() -> set[str]:
    """The mutant names the trace's "Mutation testing" section lists as equivalent."""
    text = TRACE.read_text(encoding="utf-8")
    start = text.find("## Mutation testing")
    if start < 0:
        return set()
    end = text.find("\n## ", start + 1)
    section = text[start : end if end > 0 else len(text)]
    return set(re.findall(r"`([\w.ǁ]+__mutmut_\d+)`", section))


def score(area: Area, equivalent: set[str]) -> Score:
    result = Score(area)
    for path in area_files(area):
        meta = MUTANTS / (path + ".meta")
        if not meta.exists():
            result.not_checked += 1
            continue
        codes = json.loads(meta.read_text(encoding="utf-8"))["exit_code_by_key"]
        for name, code in codes.items():
            if code is None:
                result.not_checked += 1
            elif code in KILLED_CODES:
                result.killed += 1
                if name in equivalent:
                    result.listed_but_killed.append(name)
            elif code in SKIPPED_CODES:
                continue
            elif code in SURVIVED_CODES:
                result.survived.append(name)
            elif code in NO_TESTS_CODES:
                result.no_tests.append(name)
            else:
                result.suspicious.append(name)
            if name in equivalent and code not in KILLED_CODES and code is not None:
                result.equivalent.append(name)
    return result


def unchecked(area: Area) -> list[str] | None:
    """The area's mutants not tested yet; None before mutmut generated them."""
    names: list[str] = []
    for path in area_files(area):
        meta = MUTANTS / (path + ".meta")
        if not meta.exists():
            return None
        codes = json.loads(meta.read_text(encoding="utf-8"))["exit_code_by_key"]
        names += [name for name, code in codes.items() if code is None]
    return names


def run(areas: list[Area], children: int) -> None:
    """mutmut on each area's mutants not tested yet (named, so that it tests no other area's
    and none it tested already); again while a run brings new ones (a changed function)."""
    mutmut = Path(sys.executable).parent / "mutmut"
    for area in areas:
        print(f"== mutmut: {area.name} ({area.label}) ==", flush=True)
        for _attempt in range(3):
            names = unchecked(area)
            if names == []:
                break
            if names is None:
                names = [module_glob(path) for path in area_files(area)]
            subprocess.run(  # noqa: S603 - our own venv's mutmut, our own arguments
                [str(mutmut), "run", "--max-children", str(children), *names],
                cwd=ROOT,
                check=False,
            )


def retest_survivors(areas: list[Area], children: int) -> None:
    """mutmut again on the surviving mutants not listed as equivalent (after new tests):
    mutmut keeps a verdict until the function changes, not when a test is added."""
    mutmut = Path(sys.executable).parent / "mutmut"
    equivalent = equivalent_mutants()
    names = [name for area in areas for name in score(area, equivalent).unexplained]
    if names:
        print(f"== mutmut: {len(names)} surviving mutants again ==", flush=True)
        subprocess.run(  # noqa: S603 - our own venv's mutmut, our own arguments
            [str(mutmut), "run", "--max-children", str(children), *names], cwd=ROOT, check=False
        )


def report(areas: list[Area]) -> bool:
    equivalent = equivalent_mutants()
    ok = True
    print()
    print(
        f"{'area':<10}{'target':>8}{'score':>9}{'killed':>8}{'survived':>10}{'no tests':>10}"
        f"{'equiv.':>8}{'unchecked':>11}"
    )
    for area in areas:
        s = score(area, equivalent)
        percent = "-" if s.percent is None else f"{s.percent:.1f}%"
        print(
            f"{area.name:<10}{area.target:>7}%{percent:>9}{s.killed:>8}{len(s.survived):>10}"
            f"{len(s.no_tests) + len(s.suspicious):>10}{len(s.equivalent):>8}{s.not_checked:>11}"
        )
        if not s.passed or s.unexplained:
            ok = False
        for name in s.unexplained:
            print(f"    surviving, not listed as equivalent: {name}")
        for name in s.listed_but_killed:
            print(f"    listed as equivalent but killed (remove it from the list): {name}")
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("areas", nargs="*", metavar="AREA", help=", ".join(AREAS_BY_NAME))
    parser.add_argument("--score-only", action="store_true")
    parser.add_argument(
        "--survivors", action="store_true", help="test the surviving mutants again, then score"
    )
    args = parser.parse_args()
    unknown = [name for name in args.areas if name not in AREAS_BY_NAME]
    if unknown:
        parser.error(f"unknown area {', '.join(unknown)}; the areas are {', '.join(AREAS_BY_NAME)}")
    areas = [AREAS_BY_NAME[name] for name in args.areas] or list(AREAS)
    os.chdir(ROOT)
    children = int(os.environ.get("MUTATION_CHILDREN", "1"))
    if args.survivors:
        retest_survivors(areas, children)
    elif not args.score_only:
        run(areas, children)
    ok = report(areas)
    print()
    print("mutation: every area at its target" if ok else "mutation: FAILED (see above)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
