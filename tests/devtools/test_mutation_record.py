"""make mutation keeps its verdicts in the repository (docs/mutation-verdicts.json), so that
a new machine, which has no mutants/, neither loses hours of results nor trusts a verdict of
code that has changed since (scripts/mutation.py)."""

import importlib.util
import json
import sys
from pathlib import Path

import mutmut.configuration
import pytest

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("mutation_script", ROOT / "scripts" / "mutation.py")
mutation = importlib.util.module_from_spec(_spec)
sys.modules["mutation_script"] = mutation  # dataclasses look their module up there
_spec.loader.exec_module(mutation)

RULES = """\
def is_large(amount, threshold):
    return amount >= threshold


def months_left(paid, used):
    return paid - used
"""


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A project of one rule file, and the script pointed at it."""
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "rules.py").write_text(RULES, encoding="utf-8")
    (tmp_path / "pyproject.toml").write_text(
        '[tool.mutmut]\nsource_paths = ["pkg"]\nonly_mutate = ["pkg/rules.py"]\n', encoding="utf-8"
    )
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "policy-trace.md").write_text("# Trace\n", encoding="utf-8")
    monkeypatch.setattr(mutation, "ROOT", tmp_path)
    monkeypatch.setattr(mutation, "MUTANTS", tmp_path / "mutants")
    monkeypatch.setattr(mutation, "RECORD", tmp_path / "docs" / "mutation-verdicts.json")
    monkeypatch.setattr(mutation, "TRACE", tmp_path / "docs" / "policy-trace.md")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(mutmut.configuration, "_config", None)  # read this project's
    return tmp_path, mutation.Area("rules", "the rules", ("pkg/rules.py",), 80)


def a_finished_run(root: Path, survivor: str | None = None) -> list[str]:
    """mutants/ as mutmut leaves it after testing every mutant: all killed but ``survivor``."""
    names, hashes = mutation.current_mutants("pkg/rules.py")
    meta = root / "mutants" / "pkg" / "rules.py.meta"
    meta.parent.mkdir(parents=True)
    meta.write_text(
        json.dumps(
            {
                "exit_code_by_key": {name: 0 if name == survivor else 1 for name in names},
                "hash_by_function_name": hashes,
                "type_check_error_by_key": {},
                "durations_by_key": {},
                "estimated_durations_by_key": {},
            }
        ),
        encoding="utf-8",
    )
    return names


def test_the_verdicts_of_a_run_are_scored_on_a_new_machine_without_running_again(project):
    root, area = project
    names = a_finished_run(root, survivor="pkg.rules.x_is_large__mutmut_1")
    assert mutation.report([area]) is False  # one unexplained survivor

    (root / "mutants" / "pkg" / "rules.py.meta").unlink()  # a new machine: no mutants/
    score = mutation.score(area, set())
    assert (score.killed, score.survived, score.not_checked) == (
        len(names) - 1,
        ["pkg.rules.x_is_large__mutmut_1"],
        0,
    )
    assert mutation.unchecked(area, mutation.read_record()) == []


def test_a_changed_function_loses_its_verdicts_and_only_its_mutants_run_again(project):
    root, area = project
    names = a_finished_run(root)
    mutation.keep([area])
    (root / "mutants" / "pkg" / "rules.py.meta").unlink()

    (root / "pkg" / "rules.py").write_text(RULES.replace(">=", ">"), encoding="utf-8")

    changed = [name for name in names if "x_is_large__" in name]
    assert changed
    assert sorted(mutation.unchecked(area, mutation.read_record())) == sorted(changed)
    score = mutation.score(area, set())
    assert (score.killed, score.not_checked) == (len(names) - len(changed), len(changed))
    assert not score.passed


def test_the_record_goes_back_into_mutants_in_the_form_mutmut_reads(project):
    from mutmut.mutation.data import SourceFileMutationData

    root, area = project
    names = a_finished_run(root)
    mutation.keep([area])
    (root / "mutants" / "pkg" / "rules.py.meta").unlink()

    mutation.restore([area])

    data = SourceFileMutationData(path="pkg/rules.py")
    data.load()
    assert data.exit_code_by_key == dict.fromkeys(names, 1)
    assert data.hash_by_function_name == mutation.current_mutants("pkg/rules.py")[1]


def test_a_file_never_run_is_left_to_mutmut_to_make_all_its_mutants(project):
    _root, area = project
    assert mutation.unchecked(area, mutation.read_record()) is None
    score = mutation.score(area, set())
    assert score.killed == 0
    assert score.not_checked == len(mutation.current_mutants("pkg/rules.py")[0]) > 0
