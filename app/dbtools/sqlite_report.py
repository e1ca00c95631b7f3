"""The `flask sqlite-report` command: which schema changes the learner's SQLite can make in place."""

import sqlite3

import click
import sqlalchemy as sa
from flask.cli import with_appcontext

from app.extensions import db

# Batch mode names its copy of a table "_alembic_tmp_<table>"; one left behind means a batch step broke.
LEFTOVER_PREFIX = "_alembic_tmp_"


def in_place_support(version):
    """Say, for an SQLite version tuple, which ALTER TABLE changes it can make without batch mode."""
    if version >= (3, 35, 5):
        drop = (True, "yes (3.35.0 and newer; 3.35.5 fixed its bugs)")
    elif version >= (3, 35, 0):
        drop = (True, "yes, but upgrade: 3.35.0 to 3.35.4 can corrupt the database doing it")
    else:
        drop = (False, 'no: needs 3.35.0, older versions fail with near "DROP": syntax error')
    not_null = (True, "yes (3.53.0 and newer)") if version >= (3, 53, 0) else (False, "no: needs 3.53.0")
    return {
        "drop a column": drop,
        "change a column's type": (False, "no: no SQLite version can"),
        "add or drop a unique or foreign key constraint": (False, "no: Alembic refuses on every version"),
        "make a column NOT NULL or nullable": not_null,
    }


def leftover_tables(connection):
    """List batch-mode copies that a failed migration left behind."""
    return sorted(name for name in sa.inspect(connection).get_table_names() if name.startswith(LEFTOVER_PREFIX))


def drop_leftovers(connection):
    """Drop leftover copies whose original table still exists, and return the names of those kept."""
    tables = set(sa.inspect(connection).get_table_names())
    kept = []
    for name in leftover_tables(connection):
        if name.removeprefix(LEFTOVER_PREFIX) in tables:
            # The original still holds every row: the copy is only a stale draft of it.
            connection.exec_driver_sql(f'DROP TABLE "{name}"')
        else:
            kept.append(name)
    return kept


@click.command("sqlite-report")
@click.option("--drop-leftovers", "drop", is_flag=True, help="Drop copies that a failed batch step left behind.")
@with_appcontext
def sqlite_report(drop):
    """Show this SQLite's version, what it can change in place, and tables a failed migration left behind."""
    click.echo(f"SQLite {sqlite3.sqlite_version} (the library Python's sqlite3 module uses)")
    click.echo("Changes it can make in place, without batch mode:")
    for change, (_, answer) in in_place_support(sqlite3.sqlite_version_info).items():
        click.echo(f"  {change}: {answer}")
    if db.engine.dialect.name != "sqlite":
        click.echo(f"The app's database is {db.engine.dialect.name}, not SQLite: nothing to check there.")
        return
    with db.engine.begin() as connection:
        if drop:
            for name in drop_leftovers(connection):
                click.echo(f"Kept {name}: its original table is missing, so it may hold the only copy of the rows.")
        leftovers = leftover_tables(connection)
    if not leftovers:
        click.echo("No tables left behind by a failed batch step.")
    elif not drop:
        click.echo(f"Left behind by a failed batch step: {', '.join(leftovers)}")
        click.echo(
            "Run this command again with --drop-leftovers to remove those whose original table still holds the rows."
        )
