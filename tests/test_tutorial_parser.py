"""The reader behind the executable tutorial: parsing, markers, normalizing and matching."""

import pytest

from tests.tutorial import matches, normalize, parse, sqlite_in_range

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
