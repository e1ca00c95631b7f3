import logging
from logging.config import fileConfig

from flask import current_app

from alembic import context

# Added: SQLAlchemy itself, for the SQLite engine and the statement log below.
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
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)

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

    with connectable.connect() as connection:
        # Added: `flask db upgrade -x echo=yes` (or downgrade) logs each statement.
        if context.get_x_argument(as_dictionary=True).get('echo') == 'yes':
            sa.event.listen(connection, 'before_cursor_execute', log_statement)
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
