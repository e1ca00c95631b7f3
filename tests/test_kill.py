"""A migration killed at any moment leaves SQLite fully at the old revision or fully at the new one."""

import os
import signal
import sqlite3
import subprocess
import sys
import time

import pytest
from flask_migrate import upgrade

from app.extensions import db
from tests.helpers import MIGRATIONS, ROOT, app_for

OLD, NEW = "7c1e5b9d0a34", "e2a9d4f6b813"  # NEW adds a CHECK constraint: SQLite copies all of `post`.
USERS, POSTS = 50_000, 100_000
KILLS = 24
STARTED = f"Running upgrade {OLD} -> {NEW}".encode()


def build_template(path):
    """Make a database at OLD with USERS users and POSTS posts, inserted in bulk."""
    app = app_for(f"sqlite:///{path}")
    with app.app_context():
        upgrade(directory=MIGRATIONS, revision=OLD)
        db.engine.dispose()
    with sqlite3.connect(path) as connection:
        connection.executemany(
            'INSERT INTO "user" (id, username, email, password_hash) VALUES (?, ?, ?, ?)',
            ((n, f"user{n}", f"user{n}@example.com", "hash") for n in range(1, USERS + 1)),
        )
        connection.executemany(
            "INSERT INTO post (id, body, timestamp, user_id) VALUES (?, ?, '2024-01-01 00:00:00', ?)",
            ((n, f"post number {n}", n % USERS + 1) for n in range(1, POSTS + 1)),
        )
    connection.close()


def start_upgrade(database):
    """Start `flask db upgrade` on the database and return once the rebuilding revision has begun."""
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}", "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        [sys.executable, "-m", "flask", "db", "upgrade", NEW],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    for line in process.stderr:
        if STARTED in line:
            return process
    process.wait(timeout=60)
    raise AssertionError(f"the upgrade never started; exit code {process.returncode}")


def state_of(database):
    """Return 'old' or 'new' when the database is wholly at one revision, or say what is wrong."""
    with sqlite3.connect(database) as connection:  # Opening it rolls back a killed transaction.
        version = connection.execute("SELECT version_num FROM alembic_version").fetchone()[0]
        tables = {name for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        post_sql = connection.execute("SELECT sql FROM sqlite_master WHERE name = 'post'").fetchone()[0]
        counts = (
            connection.execute('SELECT count(*) FROM "user"').fetchone()[0],
            connection.execute("SELECT count(*) FROM post").fetchone()[0],
        )
        integrity = connection.execute("PRAGMA integrity_check").fetchone()[0]
    connection.close()
    leftovers = sorted(name for name in tables if name.startswith("_alembic_tmp_"))
    has_check = "ck_post_body_length" in post_sql
    if leftovers or counts != (USERS, POSTS) or integrity != "ok":
        return f"broken: leftovers={leftovers} counts={counts} integrity={integrity}"
    if (version, has_check) == (OLD, False):
        return "old"
    if (version, has_check) == (NEW, True):
        return "new"
    return f"broken: version {version} with{'' if has_check else 'out'} the CHECK constraint"


@pytest.mark.slow
def test_killing_a_migration_at_any_moment_leaves_the_database_whole(tmp_path):
    template = tmp_path / "template.sqlite"
    build_template(template)

    # One run to completion says how long the migration itself takes.
    calibration = tmp_path / "calibration.sqlite"
    calibration.write_bytes(template.read_bytes())
    process = start_upgrade(calibration)
    started = time.monotonic()
    assert process.wait(timeout=120) == 0
    duration = time.monotonic() - started
    process.stderr.close()
    assert state_of(calibration) == "new"

    outcomes = []
    for kill in range(KILLS):
        database = tmp_path / f"kill{kill}.sqlite"
        database.write_bytes(template.read_bytes())
        process = start_upgrade(database)
        # Moments spread evenly over the migration, the last ones just past its usual end.
        time.sleep(duration * (kill + 0.5) / (KILLS - 2))
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
        process.stderr.close()
        outcomes.append(state_of(database))

    print(f"\nmigration {duration:.2f} s; {KILLS} kills: old={outcomes.count('old')} new={outcomes.count('new')}")
    assert all(outcome in ("old", "new") for outcome in outcomes), outcomes

    # A killed database migrates on as if nothing had happened.
    process = start_upgrade(tmp_path / "kill0.sqlite")
    assert process.wait(timeout=120) == 0
    process.stderr.close()
    assert state_of(tmp_path / "kill0.sqlite") == "new"
