"""The `flask db review` command: what `flask db upgrade` (or downgrade) would run here, and what could go wrong.

It reads the operations Alembic would run and, where the engine allows it, runs them for real on a scratch copy
(SQLite) or inside a transaction it rolls back (PostgreSQL). MariaDB commits every ALTER on its own, so there
the review writes the SQL offline and reads the database only to count rows (scratch.py). The rules, one module
per kind, turn what the run recorded (recorder.py) into findings (findings.py).
"""

import sys

import click
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from flask import current_app, g
from flask.cli import with_appcontext

from app.dbtools.review.batch_rules import batch_rules
from app.dbtools.review.code_rules import failure_rules, imports_app_rules, irreversible_rules
from app.dbtools.review.data_rules import data_rules, lossy_downgrade_rules
from app.dbtools.review.postgresql_rules import postgresql_rules, squawk_verdict
from app.dbtools.review.recorder import Recorder
from app.dbtools.review.report import Report, product, version_query, write_revision
from app.dbtools.review.scratch import recorder_for
from app.dbtools.review.sqlite_rules import sqlite_rules
from app.migrating import describe


@click.command("review")
@click.option("-d", "--directory", default=None, help='Migration script directory (default is "migrations")')
@click.option("--downgrade", "target", metavar="TARGET", default=None, help="Review `flask db downgrade TARGET`.")
@click.option("--all", "everything", is_flag=True, help="Review every revision, up and down, from an empty database.")
@with_appcontext
def review(directory, target, everything):
    """Show what `flask db upgrade` would run on this database and what could go wrong, changing nothing."""
    if target and everything:
        raise click.UsageError("Give --downgrade TARGET or --all, not both.")
    mode = "all" if everything else "downgrade" if target else "upgrade"
    try:
        report = review_database(directory or g.get("directory"), mode, target)
    except CommandError as error:
        raise click.ClickException(str(error)) from None
    click.echo(report.text, nl=False)
    sys.exit(1 if report.errors else 0)


def review_database(directory=None, mode="upgrade", target=None):
    """Review the app's database in a mode ("upgrade", "downgrade" to target, or "all") and return the report."""
    migrate = current_app.extensions["migrate"]
    scripts = ScriptDirectory.from_config(migrate.migrate.get_config(directory or migrate.directory))
    engine = migrate.db.engine
    with engine.connect() as connection:
        current = () if mode == "all" else MigrationContext.configure(connection).get_current_heads()
        version = connection.exec_driver_sql(version_query(engine.dialect.name)).scalar()
    if mode == "upgrade":
        plan = [("upgrade", step.revision) for step in scripts._upgrade_revs("heads", current)]
    elif mode == "downgrade":
        plan = [("downgrade", step.revision) for step in scripts._downgrade_revs(target, current)]
    else:
        ups = [("upgrade", step.revision) for step in scripts._upgrade_revs("heads", ())]
        downs = [("downgrade", step.revision) for step in scripts._downgrade_revs("base", scripts.get_heads())]
        plan = ups + downs

    report = Report()
    # Named as every `flask db` command names it (app/migrating.py), with a server's version too.
    server = "" if engine.dialect.name == "sqlite" else f" ({product(engine.dialect.name)} {version})"
    report.lines.append(f"Database: {describe(engine.url)}{server}")
    at = ", ".join(current) if current else "no revision (empty)"
    report.lines.append(f"At: {at}" if mode != "all" else "At: an empty database of the same kind (--all)")
    if not plan:
        report.lines.append("Nothing to review: `flask db upgrade` would run no revision.")
        return report

    with recorder_for(engine, mode, migrate.db.metadata) as (how, recorder):
        command = {"upgrade": "flask db upgrade", "downgrade": f"flask db downgrade {target}", "all": "every revision"}
        report.lines.append(f"Reviewing: {command[mode]}, {steps(len(plan))}; {how}")
        report.lines.append("")
        upgrades = {}
        for direction, script in plan:
            run = recorder.review(script, direction)
            if direction == "upgrade":
                upgrades[script.revision] = run.steps
            found = findings_for(run, engine.dialect, mode, upgrades, migrate.db.metadata)
            report.findings.extend(found)
            write_revision(report.lines, run, found, engine.dialect.name)
    errors, warnings = report.errors, len(report.findings) - report.errors
    report.lines.append(
        f"Summary: {errors} {'error' if errors == 1 else 'errors'}, "
        f"{warnings} {'warning' if warnings == 1 else 'warnings'} in {steps(len(plan))}."
    )
    return report


def findings_for(run, dialect, mode, upgrades, metadata):
    """Apply every rule that fits the engine to one revision's run."""
    dialect_name = dialect.name
    found = []
    if dialect_name == "sqlite":
        sqlite_rules(run, found)
    batch_rules(run, found, dialect_name, metadata)
    data_rules(run, found)
    if run.direction == "downgrade":
        if run.script.revision not in upgrades:
            # Only its operations are wanted: written offline, nothing runs.
            upgrades[run.script.revision] = Recorder(dialect, metadata=metadata).review(run.script, "upgrade").steps
        lossy_downgrade_rules(run, upgrades[run.script.revision], found)
    if dialect_name == "postgresql":
        run.squawk = squawk_verdict(run)
        postgresql_rules(run, found, run.squawk)
    if run.direction == "upgrade" or mode == "downgrade":
        irreversible_rules(run.script, run.direction, found, mode)
    if run.direction == "upgrade":
        imports_app_rules(run.script, current_app.import_name.split(".")[0], found)
    failure_rules(run, found)
    return found


def steps(count):
    """Say how many revision steps a review covers."""
    return f"{count} revision {'step' if count == 1 else 'steps'}"
