"""Make one search-and-replace edit to a file, as you would in an editor, and print the lines it changed.

The atlas pages use it so that every edit they make is shown: python replace.py FILE OLD NEW
A \\n in OLD or NEW stands for a line break, so that one command line can change several lines.
"""

import difflib
import sys
from pathlib import Path


def replace(path, old, new):
    """Replace every `old` in the file with `new`, and return the changed lines as -/+ pairs."""
    before = path.read_text()
    if old not in before:
        raise SystemExit(f"{path}: {old!r} not found, nothing changed")
    after = before.replace(old, new)
    path.write_text(after)
    diff = difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
    # Only the changed lines: the file names and line numbers of a unified diff are noise here.
    return [line for line in diff if line[:1] in "-+" and line[:3] not in ("---", "+++")]


if __name__ == "__main__":
    if len(sys.argv) != 4:
        raise SystemExit("usage: python replace.py FILE OLD NEW")
    old, new = (argument.replace("\\n", "\n") for argument in sys.argv[2:])
    print("\n".join(replace(Path(sys.argv[1]), old, new)))
