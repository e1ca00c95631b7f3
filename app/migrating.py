"""What migrations/env.py adds to Flask-Migrate's template: a safe engine, one migrator at a time, and checks.

Copy this module into your own app and add the few lines marked "Added" in migrations/env.py
(TUTORIAL.md, "In your own project"). It needs nothing from this app but Flask-SQLAlchemy's engine.
"""

import logging
import sqlite3
import time
from pathlib import Path

import sqlalchemy as sa
from alembic.operations import ops

logger = logging.getLogger("alembic.env")

# How long a migration waits for another process that is migrating the same database, in seconds.
# Ten minutes covers a long deploy step; after that something is stuck, and a person should look.
MIGRATOR_WAIT = 600
# How long an SQLite connection waits for another's write lock when the app sets no SQLITE_BUSY_TIMEOUT.
SQLITE_BUSY_TIMEOUT = 60
# PostgreSQL's advisory lock for migrations: the bytes of "flaskmig" read as one number. Any fixed
# number will do, as long as nothing else in the database takes an advisory lock with the same one.
MIGRATION_LOCK_KEY = int.from_bytes(b"flaskmig", "big")
# MariaDB's named locks are server-wide, so the lock's name includes the database's own name.
MIGRATION_LOCK_NAME_SQL = "CONCAT('flask db upgrade ', DATABASE())"
# While an ALTER TABLE waits for its lock on a table, every query that arrives after it queues behind
# it, so the site stalls for as long as the ALTER waits. A page here may wait 5 seconds at most, so the
# ALTER gives up after 3. A revision that gives up is rolled back whole and can run again.
LOCK_TIMEOUT = "3s"
# Seconds between two tries of a revision that gave up on its lock (`-x lock_retries=N`), long enough for
# a short transaction in the way to end; strong_migrations waits 10 s too.
LOCK_RETRY_DELAY = 10
# A backfill or index build on a big table may rightly take minutes, but holds its locks all along.
# Ten minutes stops a runaway statement before it holds a table for hours; bigger jobs belong in
# batches outside the migration (TUTORIAL.md's appendix has the measurements).
STATEMENT_TIMEOUT = "10min"
# Engine options that configure a pool: the migration engine has none, so that its connections really close.
POOL_OPTIONS = {"pool_size", "max_overflow", "pool_timeout", "pool_recycle", "pool_pre_ping", "pool_use_lifo"}
# The dialect column types are written in to compare them: any one will do, and SQLite's needs no driver.
TYPE_DIALECT = sa.create_mock_engine("sqlite://", None).dialect


def describe(url):
    """Name a database for a log line: a SQLite file by its path, a server database without its password."""
    if url.get_backend_name() == "sqlite":
        path = Path(url.database or ":memory:")
        if path.is_absolute() and path.is_relative_to(Path.cwd()):
            path = path.relative_to(Path.cwd())
        return f"{path.as_posix()} (SQLite {sqlite3.sqlite_version})"
    return url.set(query={}).render_as_string(hide_password=True)


def engine_and_args(app_engine, configure_args, app_config):
    """Return the engine a migration runs on, and Alembic's configure() arguments for it."""
    options = {
        name: value
        for name, value in app_config.get("SQLALCHEMY_ENGINE_OPTIONS", {}).items()
        if name not in POOL_OPTIONS
    }
    if app_engine.dialect.name == "sqlite":
        busy_timeout = app_config.get("SQLITE_BUSY_TIMEOUT", SQLITE_BUSY_TIMEOUT)
        engine = sqlite_engine(app_engine.url, options, busy_timeout)
        # One transaction for the whole run: it begins with BEGIN IMMEDIATE, which holds SQLite's write
        # lock until the end, so a second migrator waits for this one instead of slipping in between
        # two revisions. A failure rolls the whole run back: the database stays where it started.
        args = {"transaction_per_migration": False, "transactional_ddl": True, "on_version_apply": [check_foreign_keys]}
    else:
        engine = sa.create_engine(app_engine.url, **{**options, "poolclass": sa.pool.NullPool})
        sa.event.listen(engine, "handle_error", explain_lock_timeout)
        # One transaction per revision: a revision that fails leaves the database at the revision before it.
        args = {"transaction_per_migration": True}
    # Warn about a rename written as drop and add, then run the hook already there: Flask-Migrate's
    # template puts one that writes no revision when autogenerate finds no change.
    args["process_revision_directives"] = warning_about_drop_and_add(configure_args.get("process_revision_directives"))
    return engine, {**configure_args, **args}


def sqlite_engine(url, options, busy_timeout):
    """Make an SQLite engine on which a migration is one real transaction, DDL included."""
    # Without a pool, the connection really closes when the migration ends: an app that migrates at
    # start-up or in its tests gets no connection back that still has foreign keys switched off.
    connect_args = {**options.pop("connect_args", {}), "timeout": busy_timeout}
    engine = sa.create_engine(url, **options, poolclass=sa.pool.NullPool, connect_args=connect_args)

    @sa.event.listens_for(engine, "connect")
    def leave_transactions_to_sqlalchemy(dbapi_connection, connection_record):
        # Python's sqlite3 driver opens a transaction only before INSERT, UPDATE or DELETE, so CREATE,
        # ALTER and DROP would commit on their own and a failed revision would be left half-applied.
        # With the driver's handling off, begin_immediately() sends BEGIN (SQLAlchemy's pysqlite docs).
        dbapi_connection.isolation_level = None
        # Batch mode drops and rebuilds tables: with enforcement on, dropping `user` would fail or, under
        # ON DELETE CASCADE, silently empty `post`. SQLite ignores this pragma inside a transaction, so it
        # is set before BEGIN; check_foreign_keys() checks every key before the run commits instead.
        dbapi_connection.execute("PRAGMA foreign_keys = OFF")

    @sa.event.listens_for(engine, "begin")
    def begin_immediately(connection):
        # IMMEDIATE takes the write lock at once, before Alembic reads the current revision.
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    sa.event.listen(engine, "handle_error", explain_busy_database(busy_timeout))
    return engine


def prepare(connection, x_arguments):
    """Before the first revision: log statements if asked, wait for other migrators, set timeouts."""
    if x_arguments.get("echo") == "yes":
        sa.event.listen(connection, "before_cursor_execute", log_statement)
    if connection.dialect.name == "postgresql":
        take_postgresql_migration_lock(connection)
        set_postgresql_timeouts(connection, x_arguments)
    elif connection.dialect.name in ("mysql", "mariadb"):
        take_mariadb_migration_lock(connection)
    # On SQLite there is nothing to take here: the run's transaction begins with BEGIN IMMEDIATE.
    # Alembic begins its own transactions only if none is open, and the statements above opened one:
    # end it. Session-level locks and settings outlive it, until the connection closes.
    connection.commit()


def take_postgresql_migration_lock(connection):
    """Wait up to MIGRATOR_WAIT for another migrator, then hold the lock until the connection closes."""
    set_config = sa.text("SELECT set_config(:name, :value, false)")
    connection.execute(set_config, {"name": "lock_timeout", "value": f"{MIGRATOR_WAIT}s"})
    try:
        connection.execute(sa.text("SELECT pg_advisory_lock(:key)"), {"key": MIGRATION_LOCK_KEY})
    except sa.exc.OperationalError as error:
        if getattr(error.orig, "sqlstate", None) != "55P03":  # 55P03 is lock_not_available
            raise
        raise another_migrator(MIGRATOR_WAIT) from None


def take_mariadb_migration_lock(connection):
    """Wait up to MIGRATOR_WAIT for another migrator, then hold the lock until the connection closes."""
    # GET_LOCK returns 1 once it holds the lock, 0 when the wait ran out.
    got_it = connection.scalar(
        sa.text(f"SELECT GET_LOCK({MIGRATION_LOCK_NAME_SQL}, :seconds)"), {"seconds": MIGRATOR_WAIT}
    )
    if got_it != 1:
        raise another_migrator(MIGRATOR_WAIT)


def another_migrator(seconds):
    """The error for a migration that waited too long for another one."""
    return RuntimeError(
        f"Another process has been migrating this database for over {seconds} seconds, so this one "
        "gave up; nothing was applied. Check that the other one is still running, then run "
        "`flask db upgrade` again."
    )


def set_postgresql_timeouts(connection, x_arguments):
    """Set lock_timeout and statement_timeout for the revisions; `-x lock_timeout=10s` and the like override."""
    set_config = sa.text("SELECT set_config(:name, :value, false)")
    for name, default in (("lock_timeout", LOCK_TIMEOUT), ("statement_timeout", STATEMENT_TIMEOUT)):
        value = x_arguments.get(name, default)
        try:
            # set_config(..., false) is SET for the session, with the value passed as a parameter.
            connection.execute(set_config, {"name": name, "value": value})
        except sa.exc.DBAPIError as error:
            raise RuntimeError(
                f"-x {name}={value}: {error.orig}. Give a duration such as 3s, 500ms or 5min, or 0 for no limit."
            ) from None
        connection.info[name] = value


def explain_lock_timeout(exception_context):
    """Turn PostgreSQL's lock timeout in a revision into a message that says what to do next."""
    timeout = exception_context.connection.info.get("lock_timeout") if exception_context.connection else None
    if timeout is None or getattr(exception_context.original_exception, "sqlstate", None) != "55P03":
        return None
    # No retry by default: a transaction that has held the table this long seldom ends within seconds,
    # and every attempt stalls the site once more. `-x lock_retries=N` asks for them (run_migrations()).
    return LockNotAvailable(
        f"The revision above could not lock a table it changes within lock_timeout ({timeout}): another "
        "session is using the table, and waiting longer would keep every query behind it waiting too. "
        "PostgreSQL rolled the revision back: the database is still at the revision before it "
        "(`flask db current`). To see which sessions hold locks, run in psql: SELECT pid, now() - "
        "xact_start AS open_for, state, query FROM pg_stat_activity WHERE xact_start IS NOT NULL ORDER BY "
        "xact_start; then wait for that transaction to end (or end it with SELECT pg_terminate_backend(pid)) "
        "and run `flask db upgrade` again."
    )


class LockNotAvailable(RuntimeError):
    """A revision gave up on a table lock within lock_timeout, and PostgreSQL rolled it back."""


def run_migrations(context):
    """Run the migrations; with `-x lock_retries=N`, run a revision that gave up on its lock N more times."""
    value = context.get_x_argument(as_dictionary=True).get("lock_retries", "0")
    if not value.isdigit():
        raise RuntimeError(f"-x lock_retries={value}: give a whole number of retries, such as 3.")
    retries = int(value)
    for attempt in range(1, retries + 2):
        try:
            with context.begin_transaction():
                context.run_migrations()
            return
        except LockNotAvailable:
            if attempt > retries:
                raise
            # Alembic reads the current revision again, so the run goes on from the one that gave up.
            logger.warning("Trying again in %d s (retry %d of %d).", LOCK_RETRY_DELAY, attempt, retries)
            time.sleep(LOCK_RETRY_DELAY)


def explain_busy_database(seconds):
    """Make a handler that turns SQLite's "database is locked" into a message that says what to do next."""

    def explain(exception_context):
        if "database is locked" not in str(exception_context.original_exception):
            return None
        return RuntimeError(
            f"Another process held this SQLite database's write lock for over {seconds} seconds (another "
            "migration, or the app writing), so this migration gave up; nothing was applied. Run it again "
            "when the other process is done."
        )

    return explain


def check_foreign_keys(ctx, step, heads, run_args):
    """Refuse a revision that left rows pointing at rows that do not exist (on SQLite, run after each one)."""
    # SQLite's own procedure for changing a table ends with this check (step 10 of 12 in "Making Other
    # Kinds Of Table Schema Changes", sqlite.org/lang_altertable.html).
    violations = ctx.connection.exec_driver_sql("PRAGMA foreign_key_check").all()
    if violations:
        rows = ", ".join(f"{table} row {rowid} (no such {parent})" for table, rowid, parent, _ in violations[:10])
        # Raising inside the run's transaction rolls it all back.
        raise RuntimeError(f"Rolled back the whole run: {step.up_revision_id} breaks foreign keys: {rows}")


def log_statement(connection, cursor, statement, parameters, execution_context, executemany):
    """Log a statement that changes the database, on one line (`-x echo=yes`)."""
    if not statement.lstrip().upper().startswith(("PRAGMA", "SELECT", "SHOW", "DESCRIBE")):
        logger.info(" ".join(statement.split()))


def warning_about_drop_and_add(then=None):
    """Make a process_revision_directives hook that warns about a drop and add like a rename, then calls `then`."""

    def hook(context, revision, directives):
        warn_about_drop_and_add(context, revision, directives)
        if then is not None:
            then(context, revision, directives)

    return hook


def warn_about_drop_and_add(context, revision, directives):
    """Warn when autogenerate writes a column's drop and another's add of the same type: a rename, as it looks."""
    for script in directives:
        for upgrade_ops in getattr(script, "upgrade_ops_list", None) or [script.upgrade_ops]:
            for table, old, new in drop_and_add_pairs(upgrade_ops):
                logger.warning(
                    f'"{table}"."{old}" is dropped and "{table}"."{new}" added, with the same type: if this is a '
                    f'rename, every value is lost as written. Edit the revision to use batch_op.alter_column("{old}", '
                    f'new_column_name="{new}") (atlas/autogenerate-blind-spots.md); check it with `flask db review`.'
                )


def drop_and_add_pairs(container):
    """Find (table, dropped, added) column pairs of the same type among autogenerate's operations."""
    drops, adds = [], []

    def walk(ops_list):
        for op in ops_list:
            if isinstance(op, ops.DropColumnOp):
                drops.append(op)
            elif isinstance(op, ops.AddColumnOp):
                adds.append(op)
            elif hasattr(op, "ops"):
                walk(op.ops)

    walk(container.ops)
    return [
        (drop.table_name, drop.column_name, add.column.name)
        for drop in drops
        for add in adds
        if add.table_name == drop.table_name
        and add.column.name != drop.column_name
        and dropped_column_type(drop) == column_type(add.column)
    ]


def column_type(column):
    """Write a column's type as SQL, one way for every engine, so that String(140) and VARCHAR(140) compare equal."""
    return column.type.compile(dialect=TYPE_DIALECT)


def dropped_column_type(op):
    """The type of the column a drop_column removes, as autogenerate read it from the database, or None."""
    reverse = getattr(op, "_reverse", None)
    return column_type(reverse.column) if reverse is not None else None
