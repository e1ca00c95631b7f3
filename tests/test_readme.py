"""The README: the project's name first, then a Quick start that installs only the app, in any shell.

The Quick start's commands themselves run in tests/test_tutorial.py, as the first steps of the learner's path.
"""

import os
import subprocess
from pathlib import Path

import pytest

from tests.helpers import ROOT
from tests.tutorial import parse

README = (ROOT / "README.md").read_text()


def section(title):
    """The text under a `## title` heading of the README, up to the next one."""
    return README.split(f"\n## {title}\n", 1)[1].split("\n## ", 1)[0]


def test_readme_names_the_project_then_gives_the_quick_start():
    assert README.startswith("# Flask migrations, the reference tutorial\n")
    assert README.split("\n## ")[1].startswith("Quick start\n")


def test_the_quick_start_makes_the_venv_in_each_shell_then_types_the_same_everywhere():
    commands = parse(section("Quick start"))
    assert {command.shell for command in commands} == {"bash", "cmd", "powershell", ""}
    shared = [command.text for command in commands if not command.shell]
    assert shared == ["pip install -q .", "flask db upgrade", "flask seed", "flask run"]


def test_the_quick_start_installs_the_app_without_the_test_tooling():
    app_only = (ROOT / "requirements.txt").read_text().lower()
    assert not any(tool in app_only for tool in ("pytest", "hypothesis", "playwright", "ruff"))
    tests = [command.text for command in parse(section("Tests"))]
    assert tests == ["pip install -q -r requirements-dev.txt", "python -m pytest -n auto"]


OLD_PYTHON = sorted(Path.home().glob(".pyenv/versions/3.10.*/bin/python"))


@pytest.mark.slow
@pytest.mark.skipif(not OLD_PYTHON and os.environ.get("CI") != "true", reason="needs a Python 3.10 from pyenv")
def test_the_install_stops_on_an_older_python_with_one_line_naming_the_version_needed(tmp_path):
    venv = tmp_path / "venv"
    # As the Quick start makes it: --upgrade-deps brings a pip that checks requires-python first.
    subprocess.run([str(OLD_PYTHON[-1]), "-m", "venv", "--upgrade-deps", str(venv)], check=True, capture_output=True)
    completed = subprocess.run(
        [venv / "bin" / "pip", "install", "-q", "."], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert completed.returncode == 1
    errors = [line for line in completed.stderr.splitlines() if line.startswith("ERROR")]
    assert errors == [
        f"ERROR: Package 'flask-migrations-tutorial' requires a different Python: "
        f"{OLD_PYTHON[-1].parent.parent.name} not in '>=3.11'"
    ]
