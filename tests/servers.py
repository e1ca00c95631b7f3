"""Finding the PostgreSQL and MariaDB servers that the engine tests run against."""

import os
import uuid
from contextlib import contextmanager

import pytest
import sqlalchemy as sa

from config import database_url_from

# Each server: the variable that names it, and an example of its value.
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
def scratch_database(server_url):
    """Create a uniquely named database on a server, yield its URL, and drop it afterwards."""
    url = sa.make_url(server_url)
    name = f"migrations_test_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(url, poolclass=sa.pool.NullPool, isolation_level="AUTOCOMMIT")
    quote = admin.dialect.identifier_preparer.quote
    with admin.connect() as connection:
        connection.exec_driver_sql(f"CREATE DATABASE {quote(name)}")
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            # A server process that was just stopped may not have closed its connections yet.
            force = " WITH (FORCE)" if url.get_backend_name() == "postgresql" else ""
            connection.exec_driver_sql(f"DROP DATABASE {quote(name)}{force}")
        admin.dispose()
