"""Run one SQL statement on an SQLite database file and print the rows it returns.

The atlas pages use it to look at values, where `flask rows` only counts rows:
python sql.py instance/blog.sqlite "SELECT count(*) FROM user"
"""

import sqlite3
import sys
from contextlib import closing
from pathlib import Path


def run(database, statement):
    """Run the statement, commit what it changed, and return its rows."""
    # sqlite3.connect() would quietly create a missing file, and the query would find no tables.
    if not Path(database).is_file():
        raise SystemExit(f"{database}: no such database file")
    with closing(sqlite3.connect(database)) as connection, connection:
        return connection.execute(statement).fetchall()


if __name__ == "__main__":
    if len(sys.argv) != 3:
        raise SystemExit('usage: python sql.py DATABASE_FILE "STATEMENT"')
    try:
        rows = run(sys.argv[1], sys.argv[2])
    except sqlite3.Error as error:
        # What the database said, without a Python traceback around it.
        raise SystemExit(f"{type(error).__name__}: {error}") from None
    for row in rows:
        print(" | ".join(str(value) for value in row))
