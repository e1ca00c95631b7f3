"""Fixtures and helpers shared by the tests: an app, its client and CLI runner, a logged-in helper, and more."""

import re
import socket
from contextlib import contextmanager

import pytest
import sqlalchemy as sa

from app import create_app
from app.extensions import db
from config import TestConfig
from tests.servers import find_servers, scratch_database

CSRF_TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def app_for(database_url):
    """Build a test app that uses the given database."""
    return create_app(TestConfig, {"SQLALCHEMY_DATABASE_URI": database_url})


def free_port():
    """Find a TCP port on 127.0.0.1 that nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def current_revision():
    """Read the revision the app's database reports."""
    with db.engine.connect() as connection:
        return connection.scalar(sa.text("SELECT version_num FROM alembic_version"))


@contextmanager
def statements_run(lookups=False):
    """Collect the statements that change the database while the block runs, on any engine.

    With `lookups`, statements that only read (SELECT, PRAGMA and the like) are collected too.
    """
    seen = []

    def record(connection, cursor, statement, parameters, context, executemany):
        if lookups or not statement.lstrip().upper().startswith(("SELECT", "PRAGMA", "SHOW", "DESCRIBE")):
            seen.append(" ".join(statement.split()))

    sa.event.listen(sa.engine.Engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        sa.event.remove(sa.engine.Engine, "before_cursor_execute", record)


@pytest.fixture
def app():
    """An app on a fresh in-memory database with the tables made from the models."""
    app = create_app(TestConfig)
    with app.app_context():
        db.create_all()
        yield app
        db.session.remove()
        db.drop_all()


@pytest.fixture
def client(app):
    """A browser stand-in for the app."""
    return app.test_client()


@pytest.fixture
def runner(app):
    """Runs the app's `flask` commands in-process."""
    return app.test_cli_runner()


def submit(client, path, data, form_page=None, follow_redirects=False):
    """Post a form the way a browser does: load the page it is on and send its CSRF token back."""
    form_page = form_page or path
    token = CSRF_TOKEN.search(client.get(form_page).get_data(as_text=True))
    assert token, f"no CSRF token on {form_page}"
    return client.post(path, data={"csrf_token": token.group(1), **data}, follow_redirects=follow_redirects)


class AuthActions:
    """Register, log in and log out through the real forms."""

    def __init__(self, client):
        self._client = client

    def register(self, username="alice", email="alice@example.com", password="correct horse"):
        data = {"username": username, "email": email, "password": password, "password2": password}
        return submit(self._client, "/auth/register", data)

    def login(self, username="alice", password="correct horse", next_page=None):
        path = "/auth/login" + (f"?next={next_page}" if next_page else "")
        return submit(self._client, path, {"username": username, "password": password})

    def logout(self):
        # The logout button is a small form in the navigation bar of every page.
        return submit(self._client, "/auth/logout", {}, form_page="/")


@pytest.fixture
def auth(client):
    """Registers, logs in and logs out through the client."""
    return AuthActions(client)


@pytest.fixture(params=["sqlite", "postgres", "mariadb"])
def database_url(request, tmp_path):
    """A fresh, empty database on each engine; a server that is not there skips (or, under CI, fails)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'test.sqlite'}"
        return
    servers, missing = find_servers({request.param})
    if missing:
        pytest.skip(missing[0])
    with scratch_database(servers[request.param]) as url:
        yield url


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test item, so a fixture can tell that its test failed."""
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report
