"""The troubleshooting atlas: every page's console blocks make their error happen, and fix it, as shown."""

import sqlite3

import pytest

from tests.helpers import ROOT, copy_project, find_servers
from tests.tutorial import Terminal, learner_env, mismatches, parse, run_session, runnable_commands

# The page that starts in an empty folder has a test of its own (tests/test_fix_it_in_your_own_app.py).
PAGES = sorted(
    path for path in (ROOT / "atlas").glob("*.md") if path.name not in ("README.md", "fix-it-in-your-own-app.md")
)


@pytest.mark.slow
@pytest.mark.parametrize("page", PAGES, ids=lambda path: path.stem)
def test_atlas_page_prints_what_it_shows(page, tmp_path, record_property):
    markdown = page.read_text()
    servers, missing = find_servers({name for command in parse(markdown) for name in command.requires})
    commands, ours, runnable = runnable_commands(markdown, servers)
    if not runnable:
        pytest.skip("; ".join(missing) or f"{page.name} has nothing for SQLite {sqlite3.sqlite_version}")

    # A fresh clone, and a terminal with the project's virtual environment active.
    project = tmp_path / "project"
    project.mkdir()
    copy_project(ROOT, project)
    env = learner_env()
    env.update({f"TEST_{name.upper()}_URL": url for name, url in servers.items()})
    outputs = run_session(runnable, Terminal(project, env, venv="reuse"), timeout=600)

    record_property(
        "tutorial", f"atlas/{page.name}: ran {len(runnable)} commands; left out {len(ours) - len(runnable)}"
    )
    assert len(outputs) == len(runnable), "the session ended early"
    problems = mismatches(f"atlas/{page.name}", runnable, outputs, project)
    assert not problems, "\n\n".join(problems)
