"""pyproject.toml (what `pip install` of lab, e.g. on Colab, gets) asks for the same versions
as requirements.txt (what the book is built and tested with), for every package both name."""
import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def requirements(lines):
    """{package name: version specifier} of requirement lines, comments and options left out."""
    found = {}
    for line in lines:
        line = line.split("#")[0].strip()
        match = re.fullmatch(r"([A-Za-z0-9_.-]+)\s*(.*)", line)
        if match and not line.startswith("-"):
            found[match.group(1).lower()] = match.group(2).replace(" ", "")
    return found


def test_pyproject_asks_for_the_versions_the_book_is_tested_with():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    installed = requirements(project["dependencies"])
    tested = requirements((ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines())
    assert set(installed) <= set(tested), f"only in pyproject.toml: {sorted(set(installed) - set(tested))}"
    differ = {name: (spec, tested[name]) for name, spec in installed.items() if spec != tested[name]}
    assert not differ, f"pyproject.toml vs requirements.txt: {differ}"
