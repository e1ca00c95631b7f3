"""The reader behind the executable tutorial: parsing, markers, normalizing and matching."""

import pytest

from tests.helpers import ROOT
from tests.tutorial import NotPortable, check_portable, matches, normalize, parse, split, sqlite_in_range

MARKDOWN = """\
Some text.

```console
$ flask db current
INFO  [alembic.runtime.migration] Context impl SQLiteImpl.
e2a9d4f6b813 (head)
$ flask rows
```

<!-- requires: postgres -->
```console
$ export DATABASE_URL=postgresql://postgres@localhost/blog
```

<!-- only on sqlite >= 3.35.0 -->
```console
$ flask db downgrade
```

```bat
py -m venv .venv
```
"""


def test_parse_finds_console_commands_with_their_output_and_markers():
    commands = parse(MARKDOWN)
    assert [command.text for command in commands] == [
        "flask db current",
        "flask rows",
        "export DATABASE_URL=postgresql://postgres@localhost/blog",
        "flask db downgrade",
    ]
    assert commands[0].expected == ["INFO  [alembic.runtime.migration] Context impl SQLiteImpl.", "e2a9d4f6b813 (head)"]
    assert commands[1].expected == []
    assert commands[2].requires == ("postgres",)
    assert commands[3].sqlite_range == ">= 3.35.0"
    assert (commands[0].requires, commands[3].requires) == ((), ())


def test_normalize_hides_paths_times_versions_and_pip_noise(tmp_path):
    output = (
        f"Generating {tmp_path}/migrations/versions/x.py ...  done\n"
        "Create Date: 2026-11-24 13:46:30.184946\n"
        "SQLite 3.40.1 (the library)\n"
        "[notice] A new release of pip is available\n"
    )
    assert normalize(output, tmp_path) == [
        "Generating <PROJECT>/migrations/versions/x.py ...  done",
        "Create Date: <TIME>",
        "SQLite <VERSION> (the library)",
    ]


@pytest.mark.parametrize(
    ("expected", "actual", "result"),
    [
        (["a", "b"], ["a", "b"], True),
        (["a", "b"], ["a", "c"], False),
        (["a"], ["a", "b"], False),
        (["a", "...", "z"], ["a", "b", "c", "z"], True),
        (["a", "...", "z"], ["a", "z"], True),
        (["a", "...", "z"], ["a", "b"], False),
        ([], [], True),
    ],
)
def test_ellipsis_stands_for_any_lines(expected, actual, result):
    assert matches(expected, actual) is result


@pytest.mark.parametrize(
    ("spec", "version", "result"),
    [
        (">= 3.35.0", (3, 40, 1), True),
        (">= 3.35.0", (3, 31, 1), False),
        (">= 3.35.5, < 3.53", (3, 40, 1), True),
        (">= 3.35.5, < 3.53", (3, 53, 0), False),
    ],
)
def test_sqlite_range(spec, version, result):
    assert sqlite_in_range(spec, version) is result


PAGES = ["README.md", "TUTORIAL.md", "atlas/*.md", "exercises/*.md", "exercises/solutions/*.md"]


@pytest.mark.parametrize(
    "page",
    sorted(path for pattern in PAGES for path in ROOT.glob(pattern)),
    ids=lambda path: str(path.relative_to(ROOT)),
)
def test_every_command_on_every_page_reads_the_same_in_every_shell(page):
    # Blocks for a server or another SQLite are checked here too, not only where they run.
    check_portable(parse(page.read_text()))


@pytest.mark.parametrize(
    "command",
    [
        "export DATABASE_URL=sqlite:///x.sqlite",
        "DATABASE_URL=sqlite:///x.sqlite flask db upgrade",
        "flask db upgrade && flask seed",
        "flask db history | grep head",
        "flask schema-diagram > schema.txt",
        "rm -rf scratch_migrations",
        "flask files remove instance/*.sqlite",
        "python -c 'print(1)'",
        'python -c "print($HOME)"',
        'flask files find "a" "unclosed',
        "flask run &",
        "cd app; flask db heads",
    ],
)
def test_a_command_that_one_shell_reads_differently_is_refused(command):
    with pytest.raises(NotPortable):
        split(command)


def test_a_plain_command_splits_into_its_program_and_arguments_as_every_shell_would():
    command = 'flask --env-file databases/tutorial.env db migrate -m "add user about_me"'
    assert split(command) == [
        "flask",
        "--env-file",
        "databases/tutorial.env",
        "db",
        "migrate",
        "-m",
        "add user about_me",
    ]
    assert (
        split('python -c "import sqlite3; print(sqlite3.sqlite_version)"')[2]
        == "import sqlite3; print(sqlite3.sqlite_version)"
    )


def test_a_shell_block_holds_only_the_virtual_environment():
    (command,) = parse("<!-- shell: bash -->\n```console\n$ source .venv/bin/activate && flask run\n```\n")
    with pytest.raises(NotPortable, match="holds only the venv commands"):
        check_portable([command])
