"""EXHIBIT: an env.py as `flask db init` wrote it before Flask-Migrate 4, trimmed to what matters.

Two things differ from the project's migrations/env.py, and both are the point of the exhibit:
autogenerate writes plain op.add_column()/op.drop_column() (no batch mode), and on SQLite the
driver commits each DDL statement on its own, so a failed revision can be left half-applied.
Do not copy this file into a project.
"""

import logging
from logging.config import fileConfig

import sqlalchemy as sa
from alembic import context
from flask import current_app

from app.migrating import describe

config = context.config
fileConfig(config.config_file_name)
logger = logging.getLogger("alembic.env")

migrate = current_app.extensions["migrate"]
# Flask-Migrate before 4.0 did not render batch mode.
configure_args = {**migrate.configure_args, "render_as_batch": False}


def run_migrations_offline():
    context.configure(
        url=migrate.db.engine.url.render_as_string(hide_password=False),
        target_metadata=migrate.db.metadata,
        literal_binds=True,
        **configure_args,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online():
    # A connection of its own, as in 2020: the app now turns on SQLite's foreign-key
    # enforcement for its connections, which the 2020 app did not (see migrations/env.py).
    engine = sa.create_engine(migrate.db.engine.url, poolclass=sa.pool.NullPool)
    # Not from 2020: say which database this command acts on, as migrations/env.py does.
    logger.info("Database: %s", describe(engine.url))
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=migrate.db.metadata, **configure_args)
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
