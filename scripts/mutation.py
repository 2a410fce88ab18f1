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

The verdicts are kept in the repository (docs/mutation-verdicts.json, written after every run
and every score), with the hash of the function each mutant is in. mutants/ does not survive
a new machine; the record does. Before mutmut runs, the record is put back into mutants/ for
the files it has no results of, and mutmut keeps a verdict only while its function is the
same (it compares the hashes), so a run on a fresh clone tests only the mutants of functions
changed since. The score reads the same record and counts a mutant whose function changed
since its verdict as not checked.

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
RECORD = ROOT / "docs" / "mutation-verdicts.json"


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


def current_mutants(path: str) -> tuple[list[str], dict[str, str]]:
    """The mutants mutmut makes of the file as it is now, and the hash of each function."""
    from mutmut.mutation.file_mutation import mutate_file_contents  # noqa: PLC0415 - venv only
    from mutmut.utils.format_utils import get_mutant_name  # noqa: PLC0415

    mutated = mutate_file_contents(path, (ROOT / path).read_text(encoding="utf-8"))
    names = [get_mutant_name(Path(path), name) for name in mutated.mutant_names]
    return names, dict(mutated.hash_by_function_name)


def function_of(mutant: str) -> str:
    """``reporting.selectors.lists.x_rows__mutmut_3`` → ``x_rows`` (mutmut's hash key)."""
    return mutant.partition("__mutmut_")[0].rpartition(".")[2]


def read_record() -> dict[str, dict]:
    if not RECORD.exists():
        return {}
    return json.loads(RECORD.read_text(encoding="utf-8"))


def verdicts(path: str, record: dict[str, dict]) -> dict[str, int | None]:
    """Each mutant the file has now, with its verdict: mutants/ first, else the record; None
    when not tested, or tested when its function was different."""
    meta = MUTANTS / (path + ".meta")
    kept = json.loads(meta.read_text(encoding="utf-8")) if meta.exists() else record.get(path, {})
    codes = kept.get("exit_code_by_key", {})
    hashes = kept.get("hash_by_function_name", {})
    names, current = current_mutants(path)
    same = {function for function, digest in current.items() if hashes.get(function) == digest}
    return {name: codes.get(name) if function_of(name) in same else None for name in names}


def score(area: Area, equivalent: set[str], record: dict[str, dict] | None = None) -> Score:
    record = read_record() if record is None else record
    result = Score(area)
    for path in area_files(area):
        for name, code in verdicts(path, record).items():
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


def restore(areas: list[Area]) -> None:
    """Put the record's verdicts into mutants/ for the files it has none of; mutmut, as it
    makes the mutants, keeps those of unchanged functions and forgets the others."""
    record = read_record()
    for area in areas:
        for path in area_files(area):
            meta = MUTANTS / (path + ".meta")
            if meta.exists() or path not in record:
                continue
            meta.parent.mkdir(parents=True, exist_ok=True)
            meta.write_text(
                json.dumps(
                    {
                        "exit_code_by_key": record[path]["exit_code_by_key"],
                        "hash_by_function_name": record[path]["hash_by_function_name"],
                        "type_check_error_by_key": {},
                        "durations_by_key": {},
                        "estimated_durations_by_key": {},
                    }
                ),
                encoding="utf-8",
            )


def keep(areas: list[Area]) -> None:
    """Write the verdicts of mutants/ into the record (the files mutants/ has results of)."""
    record = read_record()
    for area in areas:
        for path in area_files(area):
            meta = MUTANTS / (path + ".meta")
            if not meta.exists():
                continue
            data = json.loads(meta.read_text(encoding="utf-8"))
            record[path] = {
                "hash_by_function_name": dict(sorted(data["hash_by_function_name"].items())),
                "exit_code_by_key": {
                    name: code
                    for name, code in sorted(data["exit_code_by_key"].items())
                    if code is not None
                },
            }
    RECORD.write_text(
        json.dumps(dict(sorted(record.items())), ensure_ascii=False, indent=1) + "\n",
        encoding="utf-8",
    )


def unchecked(area: Area, record: dict[str, dict]) -> list[str] | None:
    """The area's mutants without a verdict for the function as it is now; None when neither
    mutants/ nor the record has results of one of its files (mutmut then makes them all)."""
    names: list[str] = []
    for path in area_files(area):
        if not (MUTANTS / (path + ".meta")).exists() and path not in record:
            return None
        names += [name for name, code in verdicts(path, record).items() if code is None]
    return names


def run(areas: list[Area], children: int) -> None:
    """mutmut on each area's mutants not tested yet (named, so that it tests no other area's
    and none it tested already); again while a run brings new ones (a changed function)."""
    mutmut = Path(sys.executable).parent / "mutmut"
    restore(areas)
    for area in areas:
        print(f"== mutmut: {area.name} ({area.label}) ==", flush=True)
        for _attempt in range(3):
            names = unchecked(area, read_record())
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
    keep(areas)
    equivalent = equivalent_mutants()
    record = read_record()
    ok = True
    print()
    print(
        f"{'area':<10}{'target':>8}{'score':>9}{'killed':>8}{'survived':>10}{'no tests':>10}"
        f"{'equiv.':>8}{'unchecked':>11}"
    )
    for area in areas:
        s = score(area, equivalent, record)
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
