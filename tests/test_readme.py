"""The README: the project's name first, then a Quick start whose serve command installs only the app.

The Quick start's commands themselves run in tests/test_tutorial.py, as the first steps of the learner's path.
"""

from tests.helpers import ROOT, quick_start_commands


def test_readme_names_the_project_then_gives_a_quick_start_of_two_commands():
    readme = (ROOT / "README.md").read_text()
    assert readme.startswith("# Flask migrations, the reference tutorial\n")
    assert readme.split("\n## ")[1].startswith("Quick start\n")
    assert len(quick_start_commands()) == 2


def test_the_serve_command_installs_the_app_without_the_test_tooling():
    serve, test = quick_start_commands()
    assert "-r requirements.txt" in serve and "-r requirements-dev.txt" in test
    app_only = (ROOT / "requirements.txt").read_text().lower()
    assert not any(tool in app_only for tool in ("pytest", "hypothesis", "playwright", "ruff"))
