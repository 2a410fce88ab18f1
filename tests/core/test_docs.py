"""The documents a new maintainer opens first point at files that are in the repository."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_plans_and_every_path_the_readme_names_are_in_the_repository():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "../shared" not in readme
    assert (ROOT / "docs" / "plans" / "district.txt").read_text(encoding="utf-8").count("养老")
    assert "山民发〔2022〕1号" in (ROOT / "docs" / "plans" / "hengshan.txt").read_text("utf-8")
    for path in re.findall(r"`((?:docs|config|core|portal|devtools|risklists)/[\w/.-]+)`", readme):
        assert (ROOT / path).exists(), path
