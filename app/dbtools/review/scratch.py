"""Where a dry run runs: a copy of an SQLite file, or a PostgreSQL transaction that is rolled back."""

import sqlite3
import tempfile
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa

from app.dbtools.review.recorder import Recorder
from app.migrating import SQLITE_BUSY_TIMEOUT, sqlite_engine

# Long enough for a quiet table; short enough that a review never makes a busy site wait.
POSTGRESQL_LOCK_TIMEOUT = "1s"


@contextmanager
def recorder_for(engine, mode, metadata):
    """Yield (how the review runs, a Recorder) for the engine: a dry run where it can be rolled back."""
    name = engine.dialect.name
    if name == "sqlite":
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "review.sqlite"
            if mode != "all":
                copy_sqlite(engine, path)
            # The engine a migration runs on (app/migrating.py): real transactions, DDL included.
            scratch = sqlite_engine(sa.make_url(f"sqlite:///{path.as_posix()}"), {}, SQLITE_BUSY_TIMEOUT)
            try:
                with scratch.connect() as connection, connection.begin():
                    how = "dry run on a copy of the database" if mode != "all" else "dry run on an empty scratch file"
                    yield how, Recorder(scratch.dialect, connection, metadata=metadata)
            finally:
                scratch.dispose()
    elif name == "postgresql":
        server = sa.create_engine(engine.url, poolclass=sa.pool.NullPool)
        try:
            with server.connect() as connection:
                transaction = connection.begin()
                connection.exec_driver_sql(f"SET LOCAL lock_timeout = '{POSTGRESQL_LOCK_TIMEOUT}'")
                if mode == "all":
                    # A schema of its own, in the same rolled-back transaction, stands in for an empty database.
                    connection.exec_driver_sql("CREATE SCHEMA flask_db_review")
                    connection.exec_driver_sql("SET LOCAL search_path TO flask_db_review")
                try:
                    yield (
                        "dry run inside a transaction that is rolled back",
                        Recorder(connection.dialect, connection, metadata=metadata),
                    )
                finally:
                    transaction.rollback()
        finally:
            server.dispose()
    else:
        # MariaDB and MySQL commit each ALTER TABLE on their own: nothing could be rolled back.
        if mode == "all":
            yield "offline SQL (this engine commits DDL on its own)", Recorder(engine.dialect, metadata=metadata)
            return
        with engine.connect() as reader:
            yield (
                "offline SQL (this engine commits DDL on its own); rows counted in the database",
                Recorder(engine.dialect, reader=reader, metadata=metadata),
            )
            reader.rollback()


def copy_sqlite(engine, path):
    """Copy an SQLite database, consistently even while the app writes to it, with SQLite's backup API."""
    with engine.connect() as connection:
        source = connection.connection.driver_connection
        target = sqlite3.connect(path)
        try:
            source.backup(target)
        finally:
            target.close()
