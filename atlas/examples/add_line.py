"""Add one line to a file, before the first line that contains a given text, and print the line added.

The atlas pages use it where a change needs a new line, such as a new column in a model:
python add_line.py app/models.py "    password_hash:" "    about_me: so.Mapped[str | None] = ..."
It is replace.py for a whole new line, without the line break that no command line can hold in every shell.
"""

import sys
from pathlib import Path


def add_line(path, before, line):
    """Insert `line` above the first line of the file that contains `before`."""
    lines = path.read_text().splitlines(keepends=True)
    for number, existing in enumerate(lines):
        if before in existing:
            lines.insert(number, line + "\n")
            path.write_text("".join(lines))
            return
    raise SystemExit(f"{path}: no line contains {before!r}, nothing changed")


if __name__ == "__main__":
    if len(sys.argv) != 4:
        raise SystemExit('usage: python add_line.py FILE "TEXT OF THE LINE BELOW" "NEW LINE"')
    add_line(Path(sys.argv[1]), sys.argv[2], sys.argv[3])
    print(f"+{sys.argv[3]}")
