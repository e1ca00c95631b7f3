"""Keep clients posting to the app on SQLite while each migration step rebuilds `post`, and count what fails.

    python -m benchmarks.load_during_migration --posts 3000000 --clients 32 --readers 8

Builds a database at the head revision with --posts posts, serves the app with gunicorn, and
logs in --clients clients that each write a post and read the timeline, over and over; --readers
more visitors only read the timeline, so that a reader stuck behind a writer shows. While they
do, `flask db upgrade` and then `flask db downgrade` run as separate processes, as in a deploy,
through one more revision that the benchmark adds to a copy of migrations/ (REBUILD_POST): its
upgrade drops the body-length CHECK and its downgrade adds it back, as e2a9d4f6b813 does the other
way round, so SQLite copies all of `post` in each step.
--busy-timeout sets the server's SQLITE_BUSY_TIMEOUT (config.py), to compare with the driver's 5 s.

For each phase (a quiet one first, for comparison) the table gives how long the migration step
held the database, how many requests started, how many failed (status 500 or more, or no answer),
the slowest post and the slowest timeline read, and the longest time in which no client's post got
through (the write stall).
A request counts in the phase in which it ended. The line above the table counts the server's
"database is locked" errors.
--wal puts the database in WAL mode first; SQLite remembers that in the file.

Building the 3,000,000 posts takes 15 to 17 s, and a whole run 52 to 61 s on the 2-core CI machine;
the processes together (this one, gunicorn's, `flask db`) peak at about 475 MB.
"""

import argparse
import http.cookiejar
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from alembic.script import ScriptDirectory
from werkzeug.security import generate_password_hash

from benchmarks.helpers import CSRF_TOKEN, free_port, markdown_table
from config import Config

ROOT = Path(__file__).resolve().parents[1]
MIGRATIONS = ROOT / "migrations"
HEAD = ScriptDirectory(str(MIGRATIONS)).get_current_head()
USERS = 1_000
PASSWORD = "password"
REBUILD_POST_ID = "b0000000be01"
# The benchmark's own step after the head; batch mode makes SQLite copy the whole table both ways.
REBUILD_POST = f'''"""drop the post body-length CHECK (the load benchmark's step)"""

import sqlalchemy as sa
from alembic import op

revision = "{REBUILD_POST_ID}"
down_revision = "{HEAD}"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("post") as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_post_body_length"), type_="check")


def downgrade():
    with op.batch_alter_table("post") as batch_op:
        batch_op.create_check_constraint("body_length", sa.func.char_length(sa.column("body")) <= 140)
'''
# A request that waits longer than this has failed for any visitor; the clients give up then.
CLIENT_TIMEOUT = 120


@dataclass
class Request:
    """One request a client made: what it was, when it started and ended, and its status (None: no answer)."""

    kind: str
    started: float
    ended: float
    status: int | None


def build(path, posts, wal):
    """Migrate a new database at `path` to the head and fill it with USERS users and `posts` posts."""
    from flask_migrate import upgrade

    from app import create_app
    from app.extensions import db

    app = create_app(Config, {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"})
    with app.app_context():
        upgrade(directory=str(MIGRATIONS))
        db.engine.dispose()
    # Few rounds make logging in 32 clients quick; the login form reads the method from the hash.
    password_hash = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")
    connection = sqlite3.connect(path)
    with connection:
        if wal:
            connection.execute("PRAGMA journal_mode = WAL")
        connection.executemany(
            'INSERT INTO "user" (id, username, email, password_hash) VALUES (?, ?, ?, ?)',
            ((n, f"user{n}", f"user{n}@example.com", password_hash) for n in range(1, USERS + 1)),
        )
        # Generating the rows inside SQLite is many times faster than sending them from Python.
        connection.execute(
            """
            INSERT INTO post (body, timestamp, user_id)
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
            SELECT 'post number ' || i, datetime('2024-01-01', '+' || i || ' seconds'), i % ? + 1 FROM n
            """,
            (posts, USERS),
        )
    connection.close()


def serve(environment, port, workers, threads, busy_timeout, log):
    """Start gunicorn on the app and return once it answers."""
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--bind",
            f"127.0.0.1:{port}",
            f"app:create_app(overrides={{'SQLITE_BUSY_TIMEOUT': {busy_timeout}}})",
        ],
        cwd=ROOT,
        env=environment,
        stderr=log,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/auth/login", timeout=5).close()
            return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise RuntimeError("gunicorn did not answer within 60 s")


class KeepRedirects(urllib.request.HTTPRedirectHandler):
    """Hand back a redirect as the answer, so a post is timed alone and not with the page after it."""

    def redirect_request(self, *args, **kwargs):
        return None


class Client:
    """A logged-in visitor who writes a post, reads the timeline, and does it again until told to stop."""

    def __init__(self, base, number):
        self.base, self.number = base, number
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), KeepRedirects()
        )
        self.requests = []

    def fetch(self, path, form=None):
        """Send one request and return (status, body); status is None when the server did not answer."""
        data = urllib.parse.urlencode(form).encode() if form is not None else None
        try:
            with self.opener.open(self.base + path, data, timeout=CLIENT_TIMEOUT) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:  # 3xx (not followed), 4xx and 5xx
            return error.code, ""
        except OSError:
            return None, ""

    def timed(self, kind, path, form=None):
        """Send a request and record how it went."""
        started = time.monotonic()
        status, body = self.fetch(path, form)
        self.requests.append(Request(kind, started, time.monotonic(), status))
        return body

    def log_in(self):
        """Log in through the form, and return the CSRF token the post form carries."""
        token = CSRF_TOKEN.search(self.fetch("/auth/login")[1]).group(1)
        form = {"csrf_token": token, "username": f"user{self.number}", "password": PASSWORD}
        status, _ = self.fetch("/auth/login", form)
        if status != 302:
            raise RuntimeError(f"user{self.number} could not log in: {status}")
        return CSRF_TOKEN.search(self.fetch("/")[1]).group(1)

    def run(self, token, stop):
        """Write and read until `stop` is set; without a token, only read."""
        count = 0
        while not stop.is_set():
            count += 1
            if token:
                self.timed("write", "/post", {"csrf_token": token, "post": f"client {self.number}, post {count}"})
            self.timed("read", "/")


def migrate(environment, migrations, command, revision):
    """Run `flask db <command> <revision>`; return when its step started and ended, its exit code and last line."""
    process = subprocess.Popen(
        [sys.executable, "-m", "flask", "db", command, "--directory", str(migrations), revision],
        cwd=ROOT,
        env={**environment, "PYTHONUNBUFFERED": "1"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    started, last = None, ""
    for line in process.stderr:
        last = line.strip() or last
        if "Running " in line:  # Alembic logs this once the revision's transaction has begun.
            started = time.monotonic()
    process.wait()
    return started, time.monotonic(), process.returncode, last


def longest_gap(times, start, end):
    """Return the longest stretch between start and end in which none of `times` falls."""
    edges = [start, *sorted(t for t in times if start <= t <= end), end]
    return max(later - earlier for earlier, later in zip(edges, edges[1:], strict=False))


def slowest(requests, kind):
    """Return the longest time a request of this kind took, in seconds, as a cell."""
    return f"{max((r.ended - r.started for r in requests if r.kind == kind), default=0):.2f}"


def summary(name, requests, start, end, step, outcome):
    """Make a table row for the requests that ended between start and end."""
    mine = [r for r in requests if start <= r.ended < end]
    failed = [r for r in mine if r.status is None or r.status >= 500]
    refused = [r for r in mine if r.status is not None and 400 <= r.status < 500]
    writes = [r.ended for r in mine if r.kind == "write" and r.status == 302]
    return {
        "phase": name,
        "migration step (s)": "-" if step is None else f"{step:.2f}",
        "migration": outcome,
        "requests": f"{len(mine):,}",
        "failed": f"{len(failed):,}",
        "4xx": f"{len(refused):,}",
        "slowest post (s)": slowest(mine, "write"),
        "slowest read (s)": slowest(mine, "read"),
        "write stall (s)": f"{longest_gap(writes, start, end):.2f}",
    }


def table(rows, args, locked):
    """Write the rows as a Markdown table under a line that says what was measured."""
    mode = "WAL" if args.wal else "rollback journal"
    heading = (
        f"{args.posts:,} posts, {args.clients} clients writing and reading, {args.readers} only reading, "
        f"gunicorn {args.workers} workers x {args.threads} threads, busy timeout {args.busy_timeout:g} s, "
        f'SQLite {sqlite3.sqlite_version} ({mode}); the server logged {locked:,} "database is locked" errors.'
    )
    return heading + "\n\n" + markdown_table(rows)


def measure(args, database, migrations, server_log):
    """Serve the app on the database, put the clients to work, and migrate under them; return the rows."""
    environment = {**os.environ, "DATABASE_URL": f"sqlite:///{database}", "FLASK_APP": "blog.py"}
    port = free_port()
    server = serve(environment, port, args.workers, args.threads, args.busy_timeout, server_log)
    try:
        clients = [Client(f"http://127.0.0.1:{port}", n) for n in range(1, args.clients + 1)]
        tokens = [client.log_in() for client in clients]
        clients += [Client(f"http://127.0.0.1:{port}", None) for _ in range(args.readers)]
        tokens += [None] * args.readers
        stop = threading.Event()
        threads = [threading.Thread(target=c.run, args=(t, stop)) for c, t in zip(clients, tokens, strict=True)]
        for thread in threads:
            thread.start()
        phases = [("no migration", time.monotonic(), None, "-")]
        time.sleep(args.quiet)
        steps = (
            ("upgrade", REBUILD_POST_ID, f"upgrade {HEAD} -> {REBUILD_POST_ID}"),
            ("downgrade", HEAD, f"downgrade {REBUILD_POST_ID} -> {HEAD}"),
        )
        for command, revision, label in steps:
            launched = time.monotonic()
            started, ended, code, last = migrate(environment, migrations, command, revision)
            outcome = "ok" if code == 0 else f"exit {code}: {last[:60]}"
            phases.append((label, launched, None if started is None else ended - started, outcome))
            print(f"{label}: {outcome}", file=sys.stderr)
            # Requests still waiting when the step ends belong to it: let them finish.
            time.sleep(args.settle)
        stop.set()
        for thread in threads:
            thread.join()
        finished = time.monotonic()
    finally:
        server.terminate()
        server.wait(timeout=30)
    requests = [request for client in clients for request in client.requests]
    # A request belongs to the phase in which it ended: one that a migration held up counts against it.
    ends = [launched for _, launched, _, _ in phases[1:]] + [finished]
    return [
        summary(name, requests, launched, end, step, outcome)
        for (name, launched, step, outcome), end in zip(phases, ends, strict=True)
    ]


def main():
    """Build the database, run the load through both migration steps, and print the table."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--posts", type=int, default=3_000_000, help="posts in the database")
    parser.add_argument("--clients", type=int, default=32, help="clients writing and reading at once (at most 1000)")
    parser.add_argument("--readers", type=int, default=8, help="visitors who only read the timeline")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    # By default a thread per visitor, so that a request waits for SQLite and not for a free thread.
    parser.add_argument("--threads", type=int, help="threads in each gunicorn worker (default: enough for all)")
    parser.add_argument("--quiet", type=float, default=10, help="seconds of load before the first migration")
    parser.add_argument("--settle", type=float, default=5, help="seconds of load after each migration step")
    parser.add_argument("--wal", action="store_true", help="put the database in WAL mode before the load")
    parser.add_argument(
        "--busy-timeout",
        type=float,
        default=Config.SQLITE_BUSY_TIMEOUT,
        help=f"the server's SQLITE_BUSY_TIMEOUT in seconds (default: config.py's {Config.SQLITE_BUSY_TIMEOUT})",
    )
    parser.add_argument("--output", type=Path, help="also write the table to this file")
    args = parser.parse_args()
    if not 1 <= args.clients <= USERS:
        parser.error(f"--clients must be between 1 and {USERS}")
    if args.readers < 0:
        parser.error("--readers cannot be negative")
    args.threads = args.threads or -(-(args.clients + args.readers) // args.workers)

    with tempfile.TemporaryDirectory() as scratch:
        database = Path(scratch) / "load.sqlite"
        migrations = Path(scratch) / "migrations"
        shutil.copytree(MIGRATIONS, migrations, ignore=shutil.ignore_patterns("__pycache__"))
        (migrations / "versions" / f"{REBUILD_POST_ID}_drop_post_body_length_check.py").write_text(REBUILD_POST)
        started = time.monotonic()
        build(database, args.posts, args.wal)
        print(f"built {args.posts:,} posts in {time.monotonic() - started:.1f} s", file=sys.stderr)
        with open(Path(scratch) / "server.log", "w+") as server_log:
            rows = measure(args, database, migrations, server_log)
            server_log.seek(0)
            # Each error's traceback names it twice: once from sqlite3, once from SQLAlchemy.
            locked = sum(line.startswith("sqlalchemy.exc.OperationalError") for line in server_log if "locked" in line)

    report = table(rows, args, locked)
    print(report, end="")
    if args.output:
        args.output.write_text(report)


if __name__ == "__main__":
    main()
