"""TUTORIAL.md runs as written: every console command, in order, with the output it shows."""

import os

import pytest

from tests.helpers import ROOT, copy_project, find_servers
from tests.tutorial import matches, normalize, parse, run_session, sqlite_in_range

# Variables a learner would not have set; the tutorial's commands set what they need themselves.
UNSET = ("DATABASE_URL", "SECRET_KEY", "FLASK_APP", "FLASK_DEBUG", "VIRTUAL_ENV", "PYTHONPATH")


@pytest.mark.slow
def test_every_tutorial_command_prints_what_the_tutorial_shows(tmp_path):
    commands = parse((ROOT / "TUTORIAL.md").read_text())
    servers, missing = find_servers({name for command in commands for name in command.requires})
    runnable = [command for command in commands if set(command.requires) <= servers.keys()]
    left_out = len(commands) - len(runnable)

    project = tmp_path / "project"
    project.mkdir()
    copy_project(ROOT, project)
    env = {name: value for name, value in os.environ.items() if name not in UNSET}
    env.update({f"TEST_{name.upper()}_URL": url for name, url in servers.items()})
    # A terminal shows stdout and stderr in the order they are written; a pipe would buffer stdout.
    env["PYTHONUNBUFFERED"] = "1"
    outputs = run_session(runnable, project, env, timeout=600)

    assert len(outputs) == len(runnable), "the session ended early"
    for command, output in zip(runnable, outputs, strict=True):
        if command.sqlite_range and not sqlite_in_range(command.sqlite_range):
            continue  # The tutorial says what older or newer SQLite prints instead.
        shown, actual = normalize("\n".join(command.expected), project), normalize(output, project)
        assert matches(shown, actual), (
            f"TUTORIAL.md line {command.line}: $ {command.text}\n"
            + "--- shown ---\n"
            + "\n".join(shown)
            + "\n--- printed ---\n"
            + "\n".join(actual)
        )
    if left_out:
        pytest.skip(f"ran {len(runnable)} tutorial commands; left out {left_out}: {'; '.join(missing)}")
