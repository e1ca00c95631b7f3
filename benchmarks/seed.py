"""Time `flask seed` against the driver's own executemany of the same rows, with the peak memory of each.

    python -m benchmarks.seed --sizes 100000 1000000 3000000

On SQLite, and on each server whose TEST_POSTGRES_URL or TEST_MARIADB_URL is set (in a database
of its own, dropped afterwards), each number of posts is added to an empty database at the head
revision in these ways:

- flask seed: `flask seed --users U --posts N`, as a learner runs it;
- executemany: the driver's cursor.executemany() of the same users and posts, fed by a generator,
  in one transaction (on SQLite with foreign keys checked, as the app's connections do);
- copy (PostgreSQL only): psycopg's COPY of the same posts, the fastest path that driver has.

Each run is a fresh process on a fresh database. Its time is from start to exit (imports and
hashing the sample password included), its CPU time is the process's own (the server's is not in
it), and its peak memory is the process's peak RSS. The Markdown table goes to stdout, and to
--output FILE if given.

On SQLite alone its defaults took 106 s and its processes together peaked at 142 MB (each run
below 90 MB; the servers' own memory is not counted). With both servers set, expect about 15
minutes. Measured on a 2-core machine busy with other work.
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

from benchmarks.helpers import markdown_table, scratch_database
from config import database_url_from

ROOT = Path(__file__).resolve().parents[1]
MIGRATIONS = str(ROOT / "migrations")
SERVERS = {"postgresql": "TEST_POSTGRES_URL", "mariadb": "TEST_MARIADB_URL"}


def insert_with_driver(way, url, users, posts):
    """Add the rows `flask seed --users U --posts N` adds, through the driver alone (run in the child)."""
    # Neither the app nor Flask is imported here: this process pays only for the driver and its rows.
    from werkzeug.security import generate_password_hash

    from config import Config

    # SQLAlchemy only opens the connection; after that, everything is the driver's own.
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    connection = engine.raw_connection()
    cursor = connection.cursor()
    if engine.dialect.name == "sqlite":
        # The same checks as the app's connections make (app/__init__.py); the servers always make them.
        cursor.execute("PRAGMA foreign_keys = ON")
    mark = "?" if engine.dialect.paramstyle == "qmark" else "%s"
    user_table = engine.dialect.identifier_preparer.quote("user")
    # What app/cli.py makes: the same names, password hash, bodies and timestamps.
    password_hash = generate_password_hash("password", method=Config.PASSWORD_HASH_METHOD)
    names = (f"sample{n:04d}" for n in range(1, users + 1))
    cursor.executemany(
        f"INSERT INTO {user_table} (username, email, password_hash) VALUES ({mark}, {mark}, {mark})",
        ((name, f"{name}@example.com", password_hash) for name in names),
    )
    cursor.execute(f"SELECT id, username FROM {user_table} ORDER BY id")
    authors = cursor.fetchall()
    start = datetime.now(UTC).replace(tzinfo=None)
    on_sqlite = engine.dialect.name == "sqlite"

    def as_stored(timestamp):
        """Give SQLite the text app/cli.py gives it (Python 3.12 deprecates sqlite3's datetime adapter)."""
        return timestamp.isoformat(" ", "microseconds") if on_sqlite else timestamp

    rows = (
        (f"Sample post {n} by {name}", as_stored(start + timedelta(microseconds=n)), id_)
        for n in range(1, posts + 1)
        for id_, name in [authors[n % len(authors)]]
    )
    if way == "copy":
        with cursor.copy("COPY post (body, timestamp, user_id) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
    else:
        cursor.executemany(f"INSERT INTO post (body, timestamp, user_id) VALUES ({mark}, {mark}, {mark})", rows)
    connection.commit()
    connection.close()


def run(command, url, log):
    """Run a command on the database in a fresh process; return its seconds, CPU seconds and peak RSS in MB."""
    started = time.perf_counter()
    process = subprocess.Popen(
        command, cwd=ROOT, env={**os.environ, "DATABASE_URL": url}, stdout=log, stderr=subprocess.STDOUT
    )
    # wait4, unlike wait, hands back the resources this one child used, its peak memory among them.
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        log.seek(0)
        sys.exit(f"{' '.join(command[2:])} failed:\n{log.read()}")
    # Linux reports ru_maxrss in KiB, macOS in bytes.
    peak = usage.ru_maxrss / (2**20 if sys.platform == "darwin" else 2**10)
    return seconds, usage.ru_utime + usage.ru_stime, peak


def command_for(way, url, users, posts):
    """Return the command that adds the rows one way."""
    if way == "flask seed":
        return [sys.executable, "-m", "flask", "seed", "--users", str(users), "--posts", str(posts)]
    return [sys.executable, "-m", "benchmarks.seed", "--insert", way, url, str(users), str(posts)]


def count_posts(url):
    """Count the posts in the database, to check that a run added them all."""
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    with engine.connect() as connection:
        posts = connection.scalar(sa.text("SELECT count(*) FROM post"))
    engine.dispose()
    return posts


def migrate(url):
    """Take an empty database to the head revision."""
    from flask_migrate import upgrade

    from app import create_app
    from app.extensions import db
    from config import Config

    app = create_app(Config, {"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade(directory=MIGRATIONS)
        db.engine.dispose()


def fresh_databases(engine, server, scratch):
    """Yield an empty database at head for each run: a copy of a migrated SQLite file, or a new one on the server."""
    if server is None:
        template = Path(scratch) / "template.sqlite"
        migrate(f"sqlite:///{template}")
        while True:
            copy = Path(scratch) / "run.sqlite"
            shutil.copy(template, copy)
            yield f"sqlite:///{copy}"
            copy.unlink()
    while True:
        with scratch_database(server, prefix="seed_benchmark") as url:
            migrate(url)
            yield url


def measure(engine, server, args, scratch):
    """Run every way at every size on one engine; return the table rows."""
    ways = ["flask seed", "executemany"] + (["copy"] if engine == "postgresql" else [])
    databases = fresh_databases(engine, server, scratch)
    rows = []
    with open(Path(scratch) / "run.log", "w+") as log:
        for posts in args.sizes:
            results = {way: [] for way in ways}
            for repetition in range(args.repeat):
                # The ways take turns going first, so a slow moment of the machine does not land on one of them.
                shift = repetition % len(ways)
                for way in ways[shift:] + ways[:shift]:
                    url = next(databases)
                    log.seek(0)
                    log.truncate()
                    results[way].append(run(command_for(way, url, args.users, posts), url, log))
                    if count_posts(url) != posts:
                        sys.exit(f"{way} on {engine} left {count_posts(url):,} posts, not {posts:,}")
            base = statistics.median(seconds for seconds, _, _ in results["executemany"])
            for way in ways:
                seconds = statistics.median(result[0] for result in results[way])
                rows.append(
                    {
                        "engine": engine,
                        "posts": f"{posts:,}",
                        "way": way,
                        "time (s)": f"{seconds:.1f}",
                        "CPU (s)": f"{statistics.median(result[1] for result in results[way]):.1f}",
                        "peak RSS (MB)": f"{max(result[2] for result in results[way]):.0f}",
                        "time / executemany": f"{seconds / base:.2f}",
                    }
                )
                print(f"{engine}, {posts:,} posts, {way}: {seconds:.1f} s", file=sys.stderr)
    databases.close()
    return rows


def main():
    """Measure on SQLite and each server that is set, and print the table."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--sizes", type=int, nargs="+", default=[100_000, 1_000_000, 3_000_000], help="numbers of posts to add"
    )
    parser.add_argument("--users", type=int, default=100, help="sample users, who write the posts in turn")
    parser.add_argument("--repeat", type=int, default=1, help="runs per way and size (the table shows the median)")
    parser.add_argument(
        "--engines",
        nargs="+",
        choices=["sqlite", *SERVERS],
        help="engines to measure (default: SQLite and every server set)",
    )
    parser.add_argument("--output", type=Path, help="also write the table to this file")
    # Used by command_for() to run one insert through the driver in the child.
    parser.add_argument("--insert", nargs=4, metavar=("WAY", "URL", "USERS", "POSTS"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.insert:
        way, url, users, posts = args.insert
        insert_with_driver(way, url, int(users), int(posts))
        return
    if min(args.sizes) < 0 or args.users < 1 or args.repeat < 1:
        parser.error("--sizes cannot be negative, and --users and --repeat must be at least 1")

    servers = {"sqlite": None} | {
        engine: database_url_from(os.environ[variable])
        for engine, variable in SERVERS.items()
        if os.environ.get(variable)
    }
    for engine in args.engines or []:
        if engine not in servers:
            parser.error(f"{engine} needs {SERVERS[engine]}")
    rows = []
    with tempfile.TemporaryDirectory() as scratch:
        for engine, server in servers.items():
            if args.engines is None or engine in args.engines:
                rows += measure(engine, server, args, scratch)

    report = (
        f"{args.users:,} users; time from process start to exit, CPU time of that process alone, "
        f"and its peak RSS; median of {args.repeat} run(s).\n\n" + markdown_table(rows)
    )
    print(report, end="")
    if args.output:
        args.output.write_text(report)


if __name__ == "__main__":
    main()
