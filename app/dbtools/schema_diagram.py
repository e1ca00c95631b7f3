"""The `flask schema-diagram` command: the database's tables as a Mermaid ER diagram."""

from pathlib import Path

import click
import sqlalchemy as sa
from alembic.script import ScriptDirectory
from flask import current_app
from flask.cli import with_appcontext
from flask_migrate import upgrade

from app.extensions import db


def mermaid_er(connection):
    """Draw every table the database holds (but alembic_version) as a Mermaid erDiagram."""
    inspector = sa.inspect(connection)
    lines = ["erDiagram"]
    relations = []
    for table in sorted(inspector.get_table_names()):
        if table == "alembic_version":
            continue
        primary = set(inspector.get_pk_constraint(table)["constrained_columns"])
        foreign = {}
        for key in inspector.get_foreign_keys(table):
            foreign.update(dict.fromkeys(key["constrained_columns"], key["referred_table"]))
            relations.append(f'    {key["referred_table"]} ||--o{{ {table} : "{", ".join(key["constrained_columns"])}"')
        indexes = inspector.get_indexes(table)
        unique = {name for index in indexes if index["unique"] for name in index["column_names"]}
        unique |= {name for c in inspector.get_unique_constraints(table) for name in c["column_names"]}
        indexed = {name for index in indexes if not index["unique"] for name in index["column_names"]}
        lines.append(f"    {table} {{")
        for column in inspector.get_columns(table):
            name = column["name"]
            marks = (("PK", primary), ("FK", foreign), ("UK", unique))
            keys = [key for key, columns in marks if name in columns]
            type_name = column["type"].compile(dialect=connection.dialect).replace(" ", "_").replace(",", "_")
            comment = ' "indexed"' if name in indexed else ""
            lines.append(f"        {type_name} {name}{' ' + ', '.join(keys) if keys else ''}{comment}")
        lines.append("    }")
    return "\n".join(lines + relations)


def history_document(migrations_directory):
    """Build the Markdown page with the schema at every revision, upgrading the app's (empty) database."""
    script = ScriptDirectory(migrations_directory)
    sections = [
        "# The schema at each revision",
        "",
        "Generated from a real SQLite database by `flask schema-diagram --write-history`; do not edit by hand.",
    ]
    for revision in reversed(list(script.walk_revisions())):
        upgrade(directory=migrations_directory, revision=revision.revision)
        with db.engine.connect() as connection:
            diagram = mermaid_er(connection)
            inspector = sa.inspect(connection)
            checks = [
                f"`{table}`: `{check['sqltext']}`"
                for table in sorted(inspector.get_table_names())
                for check in inspector.get_check_constraints(table)
            ]
        sections += ["", f"## {revision.revision}: {revision.doc}", "", "```mermaid", diagram, "```"]
        sections += ["", f"CHECK constraints: {', '.join(checks)}"] if checks else []
    return "\n".join(sections) + "\n"


@click.command("schema-diagram")
@click.option(
    "--write-history",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Instead, write the schema at every revision to this file, using a scratch database.",
)
@with_appcontext
def schema_diagram(write_history):
    """Print the current database's tables as a Mermaid ER diagram (GitHub renders these)."""
    if write_history is None:
        with db.engine.connect() as connection:
            click.echo(mermaid_er(connection))
        return
    if sa.inspect(db.engine).get_table_names():
        raise click.UsageError("--write-history needs an empty database: set DATABASE_URL to a new file.")
    write_history.write_text(history_document(current_app.extensions["migrate"].directory))
    click.echo(f"Wrote {write_history}")
