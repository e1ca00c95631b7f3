"""How Alembic connects to the app's database; Flask-Migrate runs this for every `flask db` command."""

import logging
import sqlite3
from logging.config import fileConfig

import sqlalchemy as sa
from alembic import context
from flask import current_app

config = context.config
fileConfig(config.config_file_name)
logger = logging.getLogger("alembic.env")

migrate = current_app.extensions["migrate"]
target_metadata = migrate.db.metadata


def skip_empty_autogenerate(context, revision, directives):
    """Write no revision file when `flask db migrate` finds nothing to change."""
    if getattr(config.cmd_opts, "autogenerate", False) and directives[0].upgrade_ops.is_empty():
        directives[:] = []
        logger.info("No changes in schema detected.")


def sqlite_migration_engine(url):
    """Make an engine whose transactions are real SQLite transactions, DDL included.

    Python's sqlite3 driver commits before every CREATE, DROP or ALTER on its own, so a
    migration killed halfway could leave a half-built table behind. Here the driver is
    told to keep out of it and SQLAlchemy sends BEGIN itself, so each revision commits
    whole or not at all.
    """
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)

    @sa.event.listens_for(engine, "connect")
    def leave_transactions_to_sqlalchemy(dbapi_connection, connection_record):
        dbapi_connection.isolation_level = None
        # Batch mode drops and rebuilds tables. With enforcement on, dropping `user` would fail,
        # or, under ON DELETE CASCADE, silently empty `post`. SQLite ignores this pragma inside a
        # transaction, so it is set here, before BEGIN; check_foreign_keys() looks afterwards.
        dbapi_connection.execute("PRAGMA foreign_keys = OFF")
        watch_tables(dbapi_connection, connection_record.info)

    @sa.event.listens_for(engine, "begin")
    def begin_for_real(connection):
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


# What SQLite's authorizer calls a statement that writes rows to a table, or drops it.
ROW_WRITES = {sqlite3.SQLITE_INSERT, sqlite3.SQLITE_UPDATE, sqlite3.SQLITE_DELETE, sqlite3.SQLITE_DROP_TABLE}


def watch_tables(dbapi_connection, tally):
    """Start a fresh tally of the tables that statements write rows to, drop, or alter.

    SQLite asks the authorizer about each statement as it compiles it. Setting the authorizer
    also makes SQLite recompile the statements the driver has cached, so none goes unseen.
    """
    written = tally["tables_written"] = set()
    altered = tally["tables_altered"] = set()

    def authorize(action, arg1, arg2, database, trigger):
        if action in ROW_WRITES and not arg1.startswith("sqlite_"):
            written.add(arg1)
        elif action == sqlite3.SQLITE_ALTER_TABLE:
            altered.add(arg2)
        return sqlite3.SQLITE_OK

    dbapi_connection.set_authorizer(authorize)


def check_foreign_keys(ctx, step, heads, run_args):
    """Refuse to commit a revision that left rows pointing at rows that do not exist."""
    connection = ctx.connection
    written = connection.info["tables_written"] - {ctx.version_table}
    altered = connection.info["tables_altered"]
    # The next revision starts with a tally of its own.
    watch_tables(connection.connection.dbapi_connection, connection.info)
    if written:
        # Rows were written or a table was dropped, so a key anywhere may now point nowhere.
        violations = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
    else:
        # ALTER TABLE rewrites no other table, and SQLite refuses to drop a column that a key
        # needs; only a column added with REFERENCES and a DEFAULT can dangle, in the table
        # itself. Checking that table alone keeps an in-place DROP COLUMN as fast as SQLite's.
        # (A table renamed since is gone by its old name; renaming breaks no key.)
        inspector = sa.inspect(connection)
        tables = [table for table in altered if inspector.has_table(table)]
        check = "SELECT * FROM pragma_foreign_key_check(?)"
        violations = [row for table in tables for row in connection.exec_driver_sql(check, (table,))]
    if violations:
        rows = ", ".join(f"{table} row {rowid} (no such {parent})" for table, rowid, parent, _ in violations[:10])
        # Raising here, inside the revision's transaction, rolls the whole revision back.
        raise RuntimeError(f"Rolled back {step.up_revision_id}: it breaks foreign keys: {rows}")


def log_statement(connection, cursor, statement, parameters, context, executemany):
    """Log a statement that changes the database, on one line; Alembic's own look-ups are left out."""
    if not statement.lstrip().upper().startswith(("PRAGMA", "SELECT", "SHOW", "DESCRIBE")):
        logger.info(" ".join(statement.split()))


def run_migrations_offline():
    """Print the SQL that the migrations would run (`flask db upgrade --sql`)."""
    context.configure(
        url=migrate.db.engine.url.render_as_string(hide_password=False),
        target_metadata=target_metadata,
        literal_binds=True,
        **migrate.configure_args,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online():
    """Run the migrations against the database, one transaction per revision."""
    engine = migrate.db.engine
    # None lets Alembic decide: PostgreSQL's DDL is transactional, MariaDB's never is.
    sqlite_options = {}
    if engine.dialect.name == "sqlite":
        engine = sqlite_migration_engine(engine.url)
        sqlite_options = {"transactional_ddl": True, "on_version_apply": [check_foreign_keys]}
    migrate.configure_args.setdefault("process_revision_directives", skip_empty_autogenerate)

    with engine.connect() as connection:
        # `flask db upgrade -x echo=yes` (or downgrade) shows each statement as it runs.
        if context.get_x_argument(as_dictionary=True).get("echo") == "yes":
            sa.event.listen(connection, "before_cursor_execute", log_statement)
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            transaction_per_migration=True,
            **sqlite_options,
            **migrate.configure_args,
        )
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
