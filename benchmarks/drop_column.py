"""Time dropping user.dummy from a table of N users (and 2N posts) on SQLite, in several ways.

    python -m benchmarks.drop_column --users 10000 100000 --repeat 3

The ways:

- batch: the shipped downgrade of 60e4d26fe43c, through Flask-Migrate (batch mode copies the table);
- native: SQLite's own ALTER TABLE user DROP COLUMN dummy;
- by_hand: the copy and move that batch mode automates, written out in one transaction;
- recreate_never: batch_alter_table("user", recreate="never"), which asks SQLite to drop in place.

Each run happens in a fresh Python process on a fresh copy of a template database, and the ways
take turns. The Markdown table goes to stdout, and to --output FILE if given.

At its defaults it took 15 s and peaked at 138 MB for all its processes together (the largest
71 MB), measured on a 2-core machine busy with other work.
"""

import argparse
import json
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.helpers import markdown_table

ROOT = Path(__file__).resolve().parents[1]
MIGRATIONS = str(ROOT / "migrations")
METHODS = ("batch", "native", "by_hand", "recreate_never")
# DROP COLUMN arrived in SQLite 3.35.0, and 3.35.5 fixed the bugs that could corrupt a database.
DROP_COLUMN_SINCE = (3, 35, 5)
NEEDS_DROP_COLUMN = {"native", "recreate_never"}
# The copy and move that batch mode automates, as SQLite's documentation describes it.
BY_HAND = """
BEGIN IMMEDIATE;
CREATE TABLE user_new (
    id INTEGER NOT NULL,
    username VARCHAR(64),
    email VARCHAR(120),
    password_hash VARCHAR(128),
    CONSTRAINT pk_user PRIMARY KEY (id)
);
INSERT INTO user_new (id, username, email, password_hash) SELECT id, username, email, password_hash FROM user;
DROP TABLE user;
ALTER TABLE user_new RENAME TO user;
CREATE UNIQUE INDEX ix_user_email ON user (email);
CREATE UNIQUE INDEX ix_user_username ON user (username);
COMMIT;
"""


def build_template(path, users):
    """Make a database at revision 60e4d26fe43c holding `users` users and twice as many posts."""
    from flask_migrate import upgrade

    from app import create_app
    from config import Config

    app = create_app(Config, {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"})
    with app.app_context():
        upgrade(directory=MIGRATIONS, revision="60e4d26fe43c")
    password_hash = "pbkdf2:sha256:1000000$salt$" + "0" * 64  # As long as a real one.
    # Plain sqlite3 here: the models describe the latest schema, which has no dummy column.
    connection = sqlite3.connect(path)
    with connection:
        connection.executemany(
            "INSERT INTO user (id, username, email, password_hash, dummy) VALUES (?, ?, ?, ?, 'x')",
            ((n, f"user{n}", f"user{n}@example.com", password_hash) for n in range(1, users + 1)),
        )
        connection.executemany(
            "INSERT INTO post (id, body, timestamp, user_id) VALUES (?, ?, '2024-01-01 00:00:00', ?)",
            ((n, f"post number {n}", n % users + 1) for n in range(1, 2 * users + 1)),
        )
    connection.close()


def drop_in_this_process(method, path):
    """Drop user.dummy from the database at `path` one way, and return the seconds it took."""
    if method == "batch":
        from flask_migrate import downgrade

        from app import create_app
        from config import Config

        app = create_app(Config, {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"})
        with app.app_context():
            started = time.perf_counter()
            downgrade(directory=MIGRATIONS, revision="fb762c06d798")
            return time.perf_counter() - started

    if method == "recreate_never":
        import sqlalchemy as sa
        from alembic.migration import MigrationContext
        from alembic.operations import Operations

        engine = sa.create_engine(f"sqlite:///{path}")
        started = time.perf_counter()
        with engine.begin() as connection:
            op = Operations(MigrationContext.configure(connection))
            with op.batch_alter_table("user", recreate="never") as batch_op:
                batch_op.drop_column("dummy")
        return time.perf_counter() - started

    # isolation_level=None: the driver sends no BEGIN or COMMIT of its own, so the SQL says where they go.
    connection = sqlite3.connect(path, isolation_level=None)
    started = time.perf_counter()
    if method == "native":
        connection.execute("ALTER TABLE user DROP COLUMN dummy")
    else:
        connection.executescript(BY_HAND)
    seconds = time.perf_counter() - started
    connection.close()
    return seconds


def drop_in_fresh_process(method, template, scratch):
    """Copy the template, drop the column from the copy in a new Python process, and return the seconds."""
    database = Path(scratch) / f"run-{method}.sqlite"
    shutil.copy(template, database)
    # A new process each time, so no run inherits imports, caches or memory from the one before.
    output = subprocess.run(
        [sys.executable, "-m", "benchmarks.drop_column", "--measure", method, str(database)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    seconds = json.loads(output.splitlines()[-1])
    connection = sqlite3.connect(database)
    columns = [row[1] for row in connection.execute("PRAGMA table_info(user)")]
    posts = connection.execute("SELECT count(*) FROM post").fetchone()[0]
    connection.close()
    assert "dummy" not in columns and posts > 0, f"{method} did not drop the column cleanly"
    database.unlink()
    return seconds


def available_methods():
    """Return the methods this SQLite can run, leaving out those that need DROP COLUMN on an older one."""
    if sqlite3.sqlite_version_info >= DROP_COLUMN_SINCE:
        return list(METHODS)
    return [method for method in METHODS if method not in NEEDS_DROP_COLUMN]


def table(runs, file_sizes, methods, repeat):
    """Write the Markdown table: median milliseconds per method with the range, and the file size."""
    rows = []
    for users, by_method in runs.items():
        row = {"users": f"{users:,}", "database": f"{file_sizes[users] / 2**20:,.1f} MB"}
        for method in methods:
            times = [seconds * 1000 for seconds in by_method[method]]
            row[method] = f"{statistics.median(times):,.0f} [{min(times):,.0f}-{max(times):,.0f}]"
        rows.append(row)
    heading = (
        f"SQLite {sqlite3.sqlite_version}, Python {sys.version.split()[0]}, {os.cpu_count()} cores; "
        f"posts = 2 x users; median of {repeat} runs in ms, [min-max]."
    )
    return heading + "\n\n" + markdown_table(rows)


def main():
    """Build a template per size, time each method on copies of it, and print the table."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, nargs="+", default=[10_000, 100_000], help="table sizes to measure")
    parser.add_argument("--repeat", type=int, default=3, help="runs per method and size")
    parser.add_argument("--output", type=Path, help="also write the table to this file")
    # Used by drop_in_fresh_process() to run one measurement in the child.
    parser.add_argument("--measure", nargs=2, metavar=("METHOD", "DATABASE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(drop_in_this_process(*args.measure)))
        return

    methods = available_methods()
    runs, file_sizes = {}, {}
    with tempfile.TemporaryDirectory() as scratch:
        for users in args.users:
            template = Path(scratch) / f"template-{users}.sqlite"
            build_template(template, users)
            runs[users] = {method: [] for method in methods}
            file_sizes[users] = template.stat().st_size
            for repetition in range(args.repeat):
                # The methods take turns going first, so a slow moment of the machine does not land on one of them.
                shift = repetition % len(methods)
                for method in methods[shift:] + methods[:shift]:
                    runs[users][method].append(drop_in_fresh_process(method, template, scratch))
            print(f"{users:,} users done", file=sys.stderr)
            template.unlink()

    report = table(runs, file_sizes, methods, args.repeat)
    for method in sorted(set(METHODS) - set(methods)):
        version = ".".join(map(str, DROP_COLUMN_SINCE))
        report += f"\n{method}: unavailable, needs SQLite {version} or newer for DROP COLUMN.\n"
    print(report, end="")
    if args.output:
        args.output.write_text(report)


if __name__ == "__main__":
    main()
