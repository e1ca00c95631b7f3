"""Plain helpers the tests share: paths, apps on a given database, forms, recorders and database servers."""

import os
import shutil
import sqlite3
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.script import ScriptDirectory

from app import create_app
from app.extensions import db
from benchmarks.helpers import CSRF_TOKEN, free_port, scratch_database  # noqa: F401 (tests import these from here)
from config import TestConfig, database_url_from

ROOT = Path(__file__).resolve().parents[1]
MIGRATIONS = str(ROOT / "migrations")
SCRIPTS = ScriptDirectory(MIGRATIONS)
# Oldest first: the order `flask db upgrade` walks.
REVISIONS = [script.revision for script in reversed(list(SCRIPTS.walk_revisions()))]
HEAD = SCRIPTS.get_current_head()

# What SQLite says to a plain type change. 3.53 learned ALTER COLUMN ... SET NOT NULL, so it
# reads one word further before it gives up; tests/test_sqlite_report.py proves each variant.
TYPE_CHANGE_ERROR = (
    'near "TYPE": syntax error' if sqlite3.sqlite_version_info >= (3, 53) else 'near "ALTER": syntax error'
)


def app_for(database_url):
    """Build a test app that uses the given database."""
    return create_app(TestConfig, {"SQLALCHEMY_DATABASE_URI": database_url})


def current_revision():
    """Read the revision the app's database reports."""
    with db.engine.connect() as connection:
        return connection.scalar(sa.text("SELECT version_num FROM alembic_version"))


def snapshot():
    """Read every table (but alembic_version) as {table: {column: [values in id order]}}."""
    tables = {}
    with db.engine.connect() as connection:
        metadata = sa.MetaData()
        metadata.reflect(connection)
        for table in metadata.sorted_tables:
            if table.name == "alembic_version":
                continue
            rows = connection.execute(sa.select(table).order_by(table.primary_key.columns.values()[0]))
            rows = rows.mappings().all()
            tables[table.name] = {column.name: [row[column.name] for row in rows] for column in table.columns}
    return tables


@contextmanager
def statements_run(lookups=False, with_parameters=False):
    """Collect the statements that change the database while the block runs, on any engine.

    With `lookups`, statements that only read (SELECT, PRAGMA and the like) are collected too;
    with `with_parameters`, each is a (statement, parameters) pair as the driver received it.
    """
    seen = []

    def record(connection, cursor, statement, parameters, context, executemany):
        if lookups or not statement.lstrip().upper().startswith(("SELECT", "PRAGMA", "SHOW", "DESCRIBE")):
            seen.append((statement, parameters) if with_parameters else " ".join(statement.split()))

    sa.event.listen(sa.engine.Engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        sa.event.remove(sa.engine.Engine, "before_cursor_execute", record)


def submit(client, path, data, form_page=None, follow_redirects=False):
    """Post a form the way a browser does: load the page it is on and send its CSRF token back."""
    form_page = form_page or path
    token = CSRF_TOKEN.search(client.get(form_page).get_data(as_text=True))
    assert token, f"no CSRF token on {form_page}"
    return client.post(path, data={"csrf_token": token.group(1), **data}, follow_redirects=follow_redirects)


def wait_until(condition, what, seconds=60):
    """Poll until condition() is true; fail, naming what never happened, after `seconds`."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"{what} did not happen within {seconds} s"
        time.sleep(0.05)


def copy_project(source, destination):
    """Copy what git tracks (and new files it does not ignore), as a fresh clone would have it."""
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=source,
        capture_output=True,
        check=True,
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        if (source / name).is_file():
            (destination / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source / name, destination / name)


# Each database server: the variable that names it, and an example of its value.
SERVERS = {
    "postgres": ("TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"),
    "mariadb": ("TEST_MARIADB_URL", "mysql+pymysql://root@127.0.0.1:3306/test"),
}


def why_unavailable(name):
    """Say why a server cannot be used, or return None when it answers."""
    variable, example = SERVERS[name]
    url = os.environ.get(variable)
    if not url:
        return f"{name} tests need {variable}, e.g. {variable}={example}"
    engine = sa.create_engine(database_url_from(url), poolclass=sa.pool.NullPool)
    try:
        with engine.connect():
            return None
    except sa.exc.OperationalError as error:
        return f"{name} at {variable} does not answer: {error.orig}"
    finally:
        engine.dispose()


def find_servers(names):
    """Return ({name: url} of the servers that answer, [reasons for the others]); under CI=true, fail instead."""
    found, missing = {}, []
    for name in sorted(names):
        reason = why_unavailable(name)
        if reason is None:
            found[name] = database_url_from(os.environ[SERVERS[name][0]])
        else:
            missing.append(reason)
    if missing and os.environ.get("CI") == "true":
        pytest.fail("CI must run every engine test: " + "; ".join(missing))
    return found, missing


@contextmanager
def scratch_database_on(name):
    """Yield the URL of a new database on the named server; without the server, skip (under CI, fail)."""
    servers, missing = find_servers({name})
    if missing:
        pytest.skip(missing[0])
    with scratch_database(servers[name]) as url:
        yield url
