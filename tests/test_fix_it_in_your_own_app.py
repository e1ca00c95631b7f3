"""atlas/fix-it-in-your-own-app.md, followed in an empty folder: the files it shows, its edits, its commands."""

import json
import re
import sqlite3

import pytest

from tests.helpers import ROOT
from tests.tutorial import FENCE, Terminal, learner_env, mismatches, parse, run_session, sqlite_in_range

PAGE = ROOT / "atlas" / "fix-it-in-your-own-app.md"
FILE = re.compile(r"^<!-- file: (\S+) -->$")
# An edit the page asks for in words, as "OLD" -> "NEW" (JSON strings, so that \n is a line break).
EDIT = re.compile(r'^<!-- edit (\S+): ("(?:[^"\\]|\\.)*") -> ("(?:[^"\\]|\\.)*") -->$')


def steps(markdown):
    """Return the page's steps in order: ("file", path, text), ("edit", path, old, new) and ("commands", [...])."""
    lines = markdown.splitlines()
    found, number = [], 0
    while number < len(lines):
        line = lines[number]
        if file := FILE.match(line):
            start = number + 2  # the fence follows the marker
            end = next(i for i in range(start, len(lines)) if FENCE.match(lines[i]))
            found.append(("file", file.group(1), "\n".join(lines[start:end]) + "\n"))
            number = end
        elif edit := EDIT.match(line):
            found.append(("edit", edit.group(1), json.loads(edit.group(2)), json.loads(edit.group(3))))
        elif line == "```console":
            end = next(i for i in range(number + 1, len(lines)) if lines[i] == "```")
            # Parse from the markers above this block down to its end, numbered as in the page.
            top = number
            while top > 0 and lines[top - 1].startswith("<!--"):
                top -= 1
            block = parse("\n" * top + "\n".join(lines[top : end + 1]))
            found.append(("commands", block))
            number = end
        number += 1
    return found


@pytest.mark.slow
@pytest.mark.tutorial
def test_the_page_builds_the_2020_error_and_fixes_it_in_an_empty_folder(tmp_path):
    folder = tmp_path / "myapp"
    folder.mkdir()
    terminal = Terminal(folder, learner_env(), venv="reuse")

    problems, ran = [], 0
    for step in steps(PAGE.read_text()):
        if step[0] == "file":
            (folder / step[1]).write_text(step[2])
        elif step[0] == "edit":
            _, path, old, new = step
            text = (folder / path).read_text()
            assert text.count(old) == 1, (
                f"the page asks to change {old!r} in {path}, which has it {text.count(old)} times"
            )
            (folder / path).write_text(text.replace(old, new))
        else:
            commands = [command for command in step[1] if sqlite_in_range(command.sqlite_range or ">= 0")]
            outputs = run_session(commands, terminal, timeout=120)
            problems += mismatches(PAGE.name, commands, outputs, folder)
            ran += len(commands)
    assert not problems, "\n\n".join(problems)
    assert ran >= 10
    # The database the page says it works on, at the last revision, without the column.
    with sqlite3.connect(folder / "instance" / "app.db") as connection:
        columns = {row[1] for row in connection.execute("PRAGMA table_info(user)")}
        assert connection.execute("SELECT version_num FROM alembic_version").fetchone() == ("0003",)
    assert "dummy" not in columns
