"""Plain helpers the benchmarks (and tests/helpers.py) share: a Markdown table, a free port, a scratch database."""

import re
import socket
import uuid
from contextlib import contextmanager

import sqlalchemy as sa

# The hidden field Flask-WTF puts in every form, and its value.
CSRF_TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def markdown_table(rows):
    """Render same-keyed dicts as a Markdown table: the first column names the row, the others are right-aligned."""
    columns = list(rows[0])
    lines = [
        "| " + " | ".join(columns) + " |",
        "| --- | " + " | ".join("---:" for _ in columns[1:]) + " |",
    ]
    lines += ["| " + " | ".join(str(row[column]) for column in columns) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def free_port():
    """Find a TCP port on 127.0.0.1 that nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def scratch_database(server_url, prefix="migrations_test"):
    """Create a uniquely named database on a server, yield its URL, and drop it afterwards."""
    url = sa.make_url(server_url)
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
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
