"""The `flask rows` command: how many rows each table holds."""

import click
import sqlalchemy as sa
from flask.cli import with_appcontext

from app.extensions import db


@click.command("rows")
@with_appcontext
def rows():
    """Count the rows in every table, to check that a migration lost none."""
    with db.engine.connect() as connection:
        for name in sorted(sa.inspect(connection).get_table_names()):
            count = connection.scalar(sa.select(sa.func.count()).select_from(sa.table(name)))
            click.echo(f"{name}: {count}")
