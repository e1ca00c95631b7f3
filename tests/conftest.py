"""Fixtures the tests share: an app, its client and CLI runner, an auth helper, and a database of each engine."""

import shutil
import sqlite3

import pytest

from app.extensions import db
from config import TestConfig
from tests.helpers import MIGRATIONS, app_for, scratch_database_on, submit


@pytest.fixture
def app_database_url():
    """The database the `app` fixture uses: a private in-memory SQLite (a module may override this fixture)."""
    return TestConfig.SQLALCHEMY_DATABASE_URI


@pytest.fixture
def app(app_database_url):
    """An app with the tables made from the models, holding no app context."""
    app = app_for(app_database_url)
    with app.app_context():
        db.create_all()
    # Yielded outside the context, as flaskr does: each request then gets its own context, `g` and
    # database session, as on a server. A held context would be reused by every request, so the
    # user Flask-Login keeps in `g` would hide a login that never wrote its cookie. A test that
    # reads the database opens a context of its own: `with app.app_context():`.
    yield app
    with app.app_context():
        db.drop_all()
        db.engine.dispose()


@pytest.fixture
def client(app):
    """A browser stand-in for the app."""
    return app.test_client()


@pytest.fixture
def runner(app):
    """Runs the app's `flask` commands in-process."""
    return app.test_cli_runner()


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


@pytest.fixture
def migrations(tmp_path):
    """A copy of the shipped migrations directory in tmp_path, which a test may add revisions to."""
    directory = tmp_path / "migrations"
    shutil.copytree(MIGRATIONS, directory, ignore=shutil.ignore_patterns("__pycache__"))
    return directory


@pytest.fixture(params=["sqlite", "postgres", "mariadb"])
def database_url(request, tmp_path):
    """A fresh, empty database on each engine; a server that is not there skips (or, under CI, fails)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'test.sqlite'}"
        return
    with scratch_database_on(request.param) as url:
        yield url


@pytest.fixture
def postgres_url():
    """A fresh, empty PostgreSQL database; without the server, skip (or, under CI, fail)."""
    with scratch_database_on("postgres") as url:
        yield url


@pytest.fixture
def engine_app(database_url):
    """An app on an empty database of each engine, holding no app context, like `app`.

    Flask-Migrate's functions and `db` need a context: a test opens one with `with engine_app.app_context():`
    around them, and makes its requests outside it.
    """
    app = app_for(database_url)
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test item, so a fixture can tell that its test failed."""
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


def pytest_report_header():
    """Name the SQLite the tests run on: several tests expect what that version does."""
    return f"SQLite {sqlite3.sqlite_version} (Python's sqlite3 module)"


def pytest_terminal_summary(terminalreporter):
    """Show what the tutorial test ran and left out, which a pass alone would not say."""
    for report in terminalreporter.getreports("passed") + terminalreporter.getreports("failed"):
        for name, value in report.user_properties:
            if name == "tutorial":
                terminalreporter.write_line(value)
