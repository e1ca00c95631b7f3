"""Reproduce the outage a migration causes on a live PostgreSQL, and measure it four ways.

    TEST_POSTGRES_URL=postgresql://postgres@127.0.0.1:5432/test python -m benchmarks.stall

On a database of its own with --posts posts (1,000,000 by default), at revision 7c1e5b9d0a34:
a report opens a transaction that reads `post` and stays open --hold seconds; meanwhile
`flask db upgrade` runs e2a9d4f6b813, whose ALTER TABLE needs an ACCESS EXCLUSIVE lock on
post, while threads run the timeline's query and insert posts in a loop. The ways:

- stock: `-x lock_timeout=0`, no lock timeout, as Alembic and Flask-Migrate come;
- project: migrations/env.py as shipped, with its lock_timeout;
- project, retries: the same with `-x lock_retries=5`, which tries the revision again 10 s after it gives up;
- lock-safe: exhibits/lock-safe/, whose CHECK is added NOT VALID and validated apart.

A migration that gives up is run again once the report has ended. Then each of the two
revisions is timed plain and lock-safe, with nothing in the way but the writers. The
Markdown tables go to stdout, and to --output FILE if given.

At its defaults it took 2 to 3 min and peaked at 127 MB for all its processes together (the
largest 77 MB; PostgreSQL's own memory not counted), measured on a 2-core machine busy with
other work.
"""

import argparse
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import sqlalchemy as sa

from benchmarks.helpers import markdown_table, scratch_database
from config import database_url_from

ROOT = Path(__file__).resolve().parents[1]
MIGRATIONS = "migrations"
LOCK_SAFE = "exhibits/lock-safe"
# The revision that adds a CHECK to `post`: the step that needs an exclusive lock on it.
CHECK_REVISION = "e2a9d4f6b813"
WAYS = {
    "stock": (MIGRATIONS, ["-x", "lock_timeout=0"]),
    "project": (MIGRATIONS, []),
    "project, retries": (MIGRATIONS, ["-x", "lock_retries=5"]),
    "lock-safe": (LOCK_SAFE, []),
}
# The timeline's query (app/main/routes.py): the newest posts with their authors, a page and one more.
TIMELINE = sa.text('SELECT * FROM post JOIN "user" ON "user".id = post.user_id ORDER BY post.timestamp DESC LIMIT 11')
INSERT = sa.text("INSERT INTO post (body, timestamp, user_id) VALUES ('written during the migration', now(), 1)")


class Load:
    """Threads that run the timeline's query and insert posts until stopped, keeping the longest wait of each."""

    def __init__(self, engine, readers=2, writers=2):
        self.engine = engine
        self.longest = {"read": 0.0, "write": 0.0}
        self.stopping = threading.Event()
        self.threads = [threading.Thread(target=self.run, args=("read", TIMELINE)) for _ in range(readers)]
        self.threads += [threading.Thread(target=self.run, args=("write", INSERT)) for _ in range(writers)]

    def run(self, kind, statement):
        """Run one statement again and again, each in its own transaction, as requests do."""
        with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            while not self.stopping.is_set():
                started = time.perf_counter()
                result = connection.execute(statement)
                if kind == "read":
                    result.all()
                self.longest[kind] = max(self.longest[kind], time.perf_counter() - started)
                time.sleep(0.01)

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc_info):
        self.stopping.set()
        for thread in self.threads:
            thread.join()


def flask_db(url, directory, *arguments):
    """Run `flask db --directory D ...` as a deploy step would; return (exit code, seconds, last line it printed)."""
    started = time.perf_counter()
    completed = subprocess.run(
        [sys.executable, "-m", "flask", "db", "--directory", directory, *arguments],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": url},
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - started
    lines = [line for line in (completed.stdout + completed.stderr).splitlines() if line.strip()]
    return completed.returncode, seconds, lines[-1] if lines else ""


def revision(engine):
    """Read the revision the database is at."""
    with engine.connect() as connection:
        return connection.scalar(sa.text("SELECT version_num FROM alembic_version"))


def seed(url, engine, posts):
    """Take the empty database to 7c1e5b9d0a34 and fill it in one statement per table."""
    code, _, message = flask_db(url, MIGRATIONS, "upgrade", "7c1e5b9d0a34")
    if code:
        sys.exit(f"could not build the schema: {message}")
    users = max(1, posts // 100)
    with engine.begin() as connection:
        connection.execute(
            sa.text(
                "INSERT INTO \"user\" (username, email) SELECT 'user' || n, n || '@example.com' "
                "FROM generate_series(1, :users) n"
            ),
            {"users": users},
        )
        connection.execute(
            sa.text(
                "INSERT INTO post (body, timestamp, user_id) SELECT 'post number ' || n, "
                "now() - n * interval '1 second', 1 + n % :users FROM generate_series(1, :posts) n"
            ),
            {"users": users, "posts": posts},
        )
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(sa.text("VACUUM ANALYZE"))


def hold_report(engine, seconds, reading):
    """Read post in a transaction, signal, and keep the transaction open for `seconds`."""
    with engine.connect() as connection:
        connection.execute(sa.text("SELECT count(*) FROM post")).scalar()
        reading.set()
        time.sleep(seconds)
        connection.rollback()


def stall(url, engine, way, hold):
    """Run e2a9d4f6b813 one way while a report holds post; rerun it if it gave up; return a row of figures."""
    directory, options = WAYS[way]
    reading = threading.Event()
    report = threading.Thread(target=hold_report, args=(engine, hold, reading))
    with Load(engine) as load:
        report.start()
        reading.wait()
        time.sleep(1)  # The requests settle in before the deploy starts.
        code, seconds, message = flask_db(url, directory, "upgrade", CHECK_REVISION, *options)
        report.join()
        rerun = "not needed"
        if code:
            again, again_seconds, again_message = flask_db(url, directory, "upgrade", CHECK_REVISION, *options)
            rerun = f"exit {again}, {again_seconds:.1f} s" + (f": {again_message}" if again else "")
        time.sleep(1)
    row = {
        "way": way,
        "migration": f"exit {code}, {seconds:.1f} s",
        "longest read wait": f"{load.longest['read']:.2f} s",
        "longest write wait": f"{load.longest['write']:.2f} s",
        "rerun after the report ends": rerun,
        "final revision": revision(engine),
    }
    code, _, message_down = flask_db(url, MIGRATIONS, "downgrade", "7c1e5b9d0a34")
    if code:
        sys.exit(f"could not go back to 7c1e5b9d0a34: {message_down}")
    return row, message


def build(url, engine, directory, start, end):
    """Run one revision from `start` to `end` under writes, with nothing in its way; return its figures."""
    code, _, message = flask_db(url, MIGRATIONS, "downgrade", start)
    if code:
        sys.exit(f"could not go back to {start}: {message}")
    with Load(engine, readers=0, writers=2) as load:
        time.sleep(0.5)
        code, seconds, message = flask_db(url, directory, "upgrade", end)
        time.sleep(0.5)
    if code:
        sys.exit(f"{directory} {end} failed: {message}")
    return {"seconds": seconds, "write": load.longest["write"]}


def measure(url, posts, hold):
    """Seed, run the stall each way and the four builds, and return the report."""
    engine = sa.create_engine(url, pool_size=10)
    try:
        seed(url, engine, posts)
        print(f"seeded {posts:,} posts", file=sys.stderr)
        rows, messages = [], {}
        for way in WAYS:
            row, messages[way] = stall(url, engine, way, hold)
            rows.append(row)
            print(f"{way} done", file=sys.stderr)
        builds = []
        for label, start, end in (
            ("index on post.user_id", "2145583e182a", "7c1e5b9d0a34"),
            ("CHECK on post.body", "7c1e5b9d0a34", "e2a9d4f6b813"),
        ):
            plain = build(url, engine, MIGRATIONS, start, end)
            safe = build(url, engine, LOCK_SAFE, start, end)
            builds.append(
                {
                    "revision": f"{end} ({label})",
                    "plain: migration": f"{plain['seconds']:.2f} s",
                    "plain: longest write wait": f"{plain['write']:.2f} s",
                    "lock-safe: migration": f"{safe['seconds']:.2f} s",
                    "lock-safe: longest write wait": f"{safe['write']:.2f} s",
                }
            )
    finally:
        engine.dispose()
    report = f"{posts:,} posts; a report holds post for {hold} s; 2 readers and 2 writers in a loop\n\n"
    report += markdown_table(rows)
    report += "\nWhat each migration printed last:\n\n"
    report += "".join(f"- {way}: {message}\n" for way, message in messages.items())
    report += (
        "\nEach revision with writes running and nothing in its way (migration time includes ~0.7 s of start-up)\n\n"
    )
    report += markdown_table(builds)
    return report


def main():
    """Create a database, measure, print the tables, and drop the database."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default=os.environ.get("TEST_POSTGRES_URL"), help="PostgreSQL server URL")
    parser.add_argument("--posts", type=int, default=1_000_000, help="posts to seed")
    parser.add_argument("--hold", type=float, default=20, help="seconds the report keeps its transaction open")
    parser.add_argument("--output", type=Path, help="also write the tables to this file")
    args = parser.parse_args()
    if not args.url:
        parser.error("give --url or set TEST_POSTGRES_URL, e.g. postgresql://postgres@127.0.0.1:5432/test")

    with scratch_database(database_url_from(args.url), prefix="stall_benchmark") as url:
        report = measure(url, args.posts, args.hold)
    print(report, end="")
    if args.output:
        args.output.write_text(report)


if __name__ == "__main__":
    main()
