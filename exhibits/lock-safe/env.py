import logging
from logging.config import fileConfig

from flask import current_app

from alembic import context

# Added: SQLAlchemy itself, for the migration engines and the statement log below.
import sqlalchemy as sa

# this is the Alembic Config object, which provides
# access to the values within the .ini file in use.
config = context.config

# Interpret the config file for Python logging.
# This line sets up loggers basically.
fileConfig(config.config_file_name)
logger = logging.getLogger('alembic.env')


def get_engine():
    try:
        # this works with Flask-SQLAlchemy<3 and Alchemical
        return current_app.extensions['migrate'].db.get_engine()
    except (TypeError, AttributeError):
        # this works with Flask-SQLAlchemy>=3
        return current_app.extensions['migrate'].db.engine


def get_engine_url():
    try:
        return get_engine().url.render_as_string(hide_password=False).replace(
            '%', '%%')
    except AttributeError:
        return str(get_engine().url).replace('%', '%%')


# add your model's MetaData object here
# for 'autogenerate' support
# from myapp import mymodel
# target_metadata = mymodel.Base.metadata
config.set_main_option('sqlalchemy.url', get_engine_url())
target_db = current_app.extensions['migrate'].db

# other values from the config, defined by the needs of env.py,
# can be acquired:
# my_important_option = config.get_main_option("my_important_option")
# ... etc.


def get_metadata():
    if hasattr(target_db, 'metadatas'):
        return target_db.metadatas[None]
    return target_db.metadata


# Added: everything from here to run_migrations_offline(), and the lines marked "Added" in
# run_migrations_online(). TUTORIAL.md ("In your own project") explains each addition.


def sqlite_migration_engine(url):
    """Make an SQLite engine on which each revision is one real transaction, DDL included."""
    # A second `flask db upgrade`, or the app itself, may hold the write lock while it copies
    # a big table: wait up to a minute for it, not the driver's 5 seconds.
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool, connect_args={'timeout': 60})

    @sa.event.listens_for(engine, 'connect')
    def leave_transactions_to_sqlalchemy(dbapi_connection, connection_record):
        # Python's sqlite3 driver opens a transaction only before INSERT, UPDATE or DELETE,
        # so a CREATE, ALTER or DROP would commit on its own and a failed revision would be
        # left half-applied. With the driver's own handling off, begin_for_real() below
        # sends BEGIN for every transaction (SQLAlchemy's pysqlite documentation shows this).
        dbapi_connection.isolation_level = None
        # Batch mode drops and rebuilds tables. With enforcement on, dropping `user` would
        # fail, or, under ON DELETE CASCADE, silently empty `post`. SQLite ignores this pragma
        # inside a transaction, so it is set here, before BEGIN; check_foreign_keys() then
        # checks every key before each revision commits.
        dbapi_connection.execute('PRAGMA foreign_keys = OFF')

    @sa.event.listens_for(engine, 'begin')
    def begin_for_real(connection):
        # IMMEDIATE takes SQLite's write lock when the revision starts, not at its first
        # write, so another process cannot change the database halfway through it.
        connection.exec_driver_sql('BEGIN IMMEDIATE')

    return engine


# Added: one migrator at a time, and timeouts on PostgreSQL. Several copies of the app may run
# `flask db upgrade` together (one per container at a deploy); without a lock, each reads the
# same revision and tries to apply it, and all but one fail halfway.
# The bytes of "flaskmig" read as one number. Any fixed number will do, as long as nothing
# else in the database takes a PostgreSQL advisory lock with the same one.
MIGRATION_LOCK_KEY = int.from_bytes(b'flaskmig', 'big')
# MariaDB's named locks are server-wide, so the name includes the database's own name.
MIGRATION_LOCK_NAME = "CONCAT('flask db upgrade ', DATABASE())"
# How long MariaDB waits for another process's migration to end before giving up (seconds).
MIGRATION_LOCK_WAIT = 3600
# While an ALTER TABLE waits for its ACCESS EXCLUSIVE lock on a table, every query that
# arrives after it queues behind it, so the site stalls for as long as the ALTER waits.
# This site's rule is that no page waits more than 5 seconds, so the ALTER gives up after 3,
# which leaves a page time for its own work (the 10 seconds some tools choose would break
# the rule twice over). A revision that gives up is rolled back whole and can run again.
LOCK_TIMEOUT = '3s'
# A backfill or index build on a big table may rightly take minutes, but holds its locks
# the whole time. One UPDATE filling a new column of 2 million posts took 37 seconds on a
# busy 2-core test server, so 10 minutes covers tens of millions of rows, and still stops
# a runaway statement before it holds a table for hours. Bigger jobs belong in batches
# outside the migration.
STATEMENT_TIMEOUT = '10min'


def server_migration_engine(url):
    """Make a PostgreSQL or MariaDB engine whose connections really close, locks and all."""
    # Without a pool, closing the connection ends the database session, and with it the
    # lock and the timeouts, even if this process crashes: none of them can linger in a
    # pooled connection the app goes on to use.
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    sa.event.listen(engine, 'handle_error', explain_lock_timeout)
    return engine


def hold_migration_lock(connection):
    """Wait until no other process migrates this database; others then wait for this one."""
    if connection.dialect.name == 'postgresql':
        # A session-level lock: it outlives the transaction that takes it, and lasts until
        # the connection closes at the end of the run.
        connection.execute(
            sa.text('SELECT pg_advisory_lock(:key)'),
            {'key': MIGRATION_LOCK_KEY})
        set_timeouts(connection)
    elif connection.dialect.name in ('mysql', 'mariadb'):
        # GET_LOCK returns 1 once it holds the lock, 0 when the wait ran out.
        got_it = connection.scalar(
            sa.text(f'SELECT GET_LOCK({MIGRATION_LOCK_NAME}, :seconds)'),
            {'seconds': MIGRATION_LOCK_WAIT})
        if got_it != 1:
            raise RuntimeError(
                f'Another process has been migrating this database for over '
                f'{MIGRATION_LOCK_WAIT} seconds; nothing was applied. Check '
                f'that it is still running, then run `flask db upgrade` again.'
            )
    # On SQLite there is nothing to take: every transaction of the migration engine begins
    # with BEGIN IMMEDIATE, so the one in which Alembic reads the current revision already
    # waits for any other writer.
    # Alembic runs a transaction per revision only if none is open when it starts, and
    # SQLAlchemy opened one for the statements above: end it. The locks stay held.
    connection.commit()


def set_timeouts(connection):
    """Set lock_timeout and statement_timeout for this PostgreSQL session."""
    # Set only once the migration lock is held, so that waiting for another migrator is
    # not cut short. `-x lock_timeout=10s` or `-x statement_timeout=0` (no limit) override.
    wanted = context.get_x_argument(as_dictionary=True)
    for name, default in (('lock_timeout', LOCK_TIMEOUT),
                          ('statement_timeout', STATEMENT_TIMEOUT)):
        value = wanted.get(name, default)
        try:
            # set_config(..., false) is SET for the session, with the value as a parameter.
            connection.execute(sa.text('SELECT set_config(:name, :value, false)'),
                               {'name': name, 'value': value})
            connection.info[name] = value
        except sa.exc.DBAPIError as error:
            raise RuntimeError(
                f'-x {name}={value}: {error.orig}. Give a duration such as 3s, '
                f'500ms or 5min, or 0 for no limit.'
            ) from None


def explain_lock_timeout(exception_context):
    """Turn PostgreSQL's lock timeout into a message that says what to do next."""
    # 55P03 is lock_not_available, which lock_timeout raises.
    if getattr(exception_context.original_exception, 'sqlstate', None) != '55P03':
        return None
    # env.py does not try again by itself: a transaction that has held the table this long
    # seldom ends within seconds, and every attempt stalls the site once more. The deploy
    # step, which can wait, retry and alert, decides; `flask db upgrade` exits with 1.
    timeout = exception_context.connection.info.get('lock_timeout', LOCK_TIMEOUT)
    return RuntimeError(
        f'The revision above could not lock a table it changes within lock_timeout '
        f'({timeout}): another session is using the table, and waiting longer would '
        f'keep every query behind it waiting too. PostgreSQL rolled the revision back: '
        f'the database is still at the revision before it (`flask db current`). To see '
        f'which sessions hold locks, run in psql: SELECT pid, now() - xact_start AS '
        f'open_for, state, query FROM pg_stat_activity WHERE xact_start IS NOT NULL '
        f'ORDER BY xact_start; then wait for that transaction to end (or end it with '
        f'SELECT pg_terminate_backend(pid)) and run `flask db upgrade` again.'
    )


def check_foreign_keys(ctx, step, heads, run_args):
    """Refuse to commit a revision that left rows pointing at rows that do not exist."""
    # SQLite's own procedure for changing a table ends with this check (step 10 of the
    # 12 in "Making Other Kinds Of Table Schema Changes", sqlite.org/lang_altertable.html).
    violations = ctx.connection.exec_driver_sql('PRAGMA foreign_key_check').all()
    if violations:
        rows = ', '.join(
            f'{table} row {rowid} (no such {parent})'
            for table, rowid, parent, _ in violations[:10]
        )
        # Raising inside the revision's transaction rolls the whole revision back.
        raise RuntimeError(
            f'Rolled back {step.up_revision_id}: it breaks foreign keys: {rows}'
        )


def log_statement(connection, cursor, statement, parameters, context,
                  executemany):
    """Log a statement that changes the database, on one line (`-x echo=yes`)."""
    if not statement.lstrip().upper().startswith(
            ('PRAGMA', 'SELECT', 'SHOW', 'DESCRIBE')):
        logger.info(' '.join(statement.split()))


def run_migrations_offline():
    """Run migrations in 'offline' mode.

    This configures the context with just a URL
    and not an Engine, though an Engine is acceptable
    here as well.  By skipping the Engine creation
    we don't even need a DBAPI to be available.

    Calls to context.execute() here emit the given string to the
    script output.

    """
    url = config.get_main_option("sqlalchemy.url")
    context.configure(
        url=url, target_metadata=get_metadata(), literal_binds=True
    )

    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online():
    """Run migrations in 'online' mode.

    In this scenario we need to create an Engine
    and associate a connection with the context.

    """

    # this callback is used to prevent an auto-migration from being generated
    # when there are no changes to the schema
    # reference: http://alembic.zzzcomputing.com/en/latest/cookbook.html
    def process_revision_directives(context, revision, directives):
        if getattr(config.cmd_opts, 'autogenerate', False):
            script = directives[0]
            if script.upgrade_ops.is_empty():
                directives[:] = []
                logger.info('No changes in schema detected.')

    conf_args = current_app.extensions['migrate'].configure_args
    if conf_args.get("process_revision_directives") is None:
        conf_args["process_revision_directives"] = process_revision_directives

    connectable = get_engine()
    # Added: one transaction per revision, so that a revision that fails leaves the
    # database at the revision before it (on engines whose DDL can be rolled back).
    conf_args = {**conf_args, 'transaction_per_migration': True}
    # Added: on SQLite, DDL that can be rolled back, and a foreign key check per revision.
    if connectable.dialect.name == 'sqlite':
        connectable = sqlite_migration_engine(connectable.url)
        conf_args.update(
            transactional_ddl=True, on_version_apply=[check_foreign_keys])
    # Added: on the other engines, connections of the migration's own (see
    # server_migration_engine()).
    else:
        connectable = server_migration_engine(connectable.url)

    with connectable.connect() as connection:
        # Added: `flask db upgrade -x echo=yes` (or downgrade) logs each statement.
        if context.get_x_argument(as_dictionary=True).get('echo') == 'yes':
            sa.event.listen(connection, 'before_cursor_execute', log_statement)
        # Added: wait for any other migrating process, then hold the lock until the end.
        hold_migration_lock(connection)
        context.configure(
            connection=connection,
            target_metadata=get_metadata(),
            **conf_args
        )

        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
