"""The app's SQLite connections wait for another connection's lock, as long as a migration may hold it."""

import sqlite3
import threading

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from app import create_app
from app.extensions import db
from app.models import Post
from config import Config, TestConfig
from tests.helpers import MIGRATIONS, submit

# The longest a migration step has held SQLite's lock with 3,000,000 posts, 32 clients writing and 8
# reading: e2a9d4f6b813 in an earlier run of python -m benchmarks.load_during_migration, on a busy
# machine (TUTORIAL.md's appendix has today's figures, 5 to 7 s).
LONGEST_MEASURED_HOLD = 19.5
HELD_POST = "written while holding the lock"
# What Python's sqlite3 waits when not told otherwise.
DRIVER_DEFAULT_TIMEOUT = 5.0


def app_on_file(path, **overrides):
    """Build a test app on an SQLite file at head, with a logged-in user's client."""
    app = create_app(TestConfig, {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}", **overrides})
    with app.app_context():
        upgrade(directory=MIGRATIONS)
    client = app.test_client()
    password = {"password": "correct horse", "password2": "correct horse"}
    submit(client, "/auth/register", {"username": "alice", "email": "alice@example.com", **password})
    submit(client, "/auth/login", {"username": "alice", "password": "correct horse"})
    return app, client


class LockHolder(threading.Thread):
    """Another connection that takes a lock, writes a post inside it, and commits after `seconds`."""

    def __init__(self, path, lock="IMMEDIATE", seconds=1.0):
        super().__init__()
        self.path, self.lock, self.seconds = path, lock, seconds
        self.holding = threading.Event()

    def run(self):
        connection = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        try:
            connection.execute(f"BEGIN {self.lock}")
            connection.execute(
                "INSERT INTO post (body, timestamp, user_id) VALUES (?, '2024-01-01 00:00:00', 1)", (HELD_POST,)
            )
            self.holding.set()
            threading.Event().wait(self.seconds)
            connection.execute("COMMIT")
        finally:
            connection.close()

    def __enter__(self):
        self.start()
        assert self.holding.wait(timeout=10), "the other connection never took its lock"
        return self

    def __exit__(self, *exc_info):
        self.join()


def bodies(app):
    """Return the bodies of all posts, oldest first."""
    with app.app_context():
        return db.session.scalars(sa.select(Post.body).order_by(Post.id)).all()


def test_the_default_outlasts_the_longest_measured_migration_step():
    assert Config.SQLITE_BUSY_TIMEOUT > LONGEST_MEASURED_HOLD > DRIVER_DEFAULT_TIMEOUT


@pytest.mark.parametrize("seconds", [Config.SQLITE_BUSY_TIMEOUT, 0.25, 0])
def test_every_app_connection_reports_the_configured_busy_timeout(tmp_path, seconds):
    url = f"sqlite:///{tmp_path / 'blog.sqlite'}"
    app = create_app(TestConfig, {"SQLALCHEMY_DATABASE_URI": url, "SQLITE_BUSY_TIMEOUT": seconds})
    with app.app_context(), db.engine.connect() as first, db.engine.connect() as second:
        for connection in (first, second):
            assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == int(seconds * 1000)
            # The timeout comes on top of what the app already asked of each connection.
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    with app.app_context():
        db.engine.dispose()


def test_a_post_waits_for_another_connections_write_lock(tmp_path):
    path = tmp_path / "blog.sqlite"
    app, client = app_on_file(path)
    with LockHolder(path):
        response = submit(client, "/post", {"post": "written through the app"})
    assert response.status_code == 302
    # The app's post came second: it waited for the other connection to commit, then wrote.
    assert bodies(app) == [HELD_POST, "written through the app"]


def test_the_timeline_waits_for_another_connections_exclusive_lock(tmp_path):
    path = tmp_path / "blog.sqlite"
    app, client = app_on_file(path)
    # SQLite takes the exclusive lock when a big write (a table copy) spills to the file; readers wait then too.
    with LockHolder(path, lock="EXCLUSIVE"):
        response = client.get("/")
    assert response.status_code == 200
    assert HELD_POST in response.get_data(as_text=True)


def test_without_a_busy_timeout_the_same_post_fails_at_once(tmp_path):
    path = tmp_path / "blog.sqlite"
    app, client = app_on_file(path, SQLITE_BUSY_TIMEOUT=0)
    with LockHolder(path), pytest.raises(sa.exc.OperationalError, match="database is locked"):
        submit(client, "/post", {"post": "written through the app"})
    assert bodies(app) == [HELD_POST]


@pytest.mark.slow
def test_a_post_waits_longer_than_the_drivers_own_timeout(tmp_path):
    path = tmp_path / "blog.sqlite"
    app, client = app_on_file(path)
    with LockHolder(path, seconds=DRIVER_DEFAULT_TIMEOUT + 1):
        response = submit(client, "/post", {"post": "written through the app"})
    assert response.status_code == 302
    assert bodies(app) == [HELD_POST, "written through the app"]


def test_the_app_leaves_the_database_in_rollback_journal_mode(tmp_path):
    # A WAL database is three files, and copying or deleting only blog.sqlite loses or corrupts
    # posts (see the appendix); the app keeps the mode in which SQLite makes a database: one file.
    path = tmp_path / "blog.sqlite"
    app, client = app_on_file(path)
    submit(client, "/post", {"post": "one more"})
    with app.app_context(), db.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "delete"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["blog.sqlite"]
