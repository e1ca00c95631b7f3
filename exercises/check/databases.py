"""Exercises 5 and 7: set up their databases, then check them against the schema and the rows --setup made."""

import contextlib
import hashlib
import json
from datetime import UTC, datetime

from app.cli import SAMPLE_PASSWORD
from app.dbtools.sqlite_report import leftover_tables
from app.extensions import db
from app.models import hash_password
from exercises.check.project import (
    BEFORE_NAIVE,
    NAIVE_REVISION,
    SHIPPED_HEAD,
    SHIPPED_REVISIONS,
    Outcome,
    Status,
    Trouble,
    verdict,
)
from exercises.check.scratch import database_app, load_scripts, migrate, scratch_app, shipped_migrations
from exercises.check.tables import schema, schema_mismatch, seed_rows, versions

# The columns whose values identify the rows `--setup` made: a rebuild cannot repeat the
# random salt in password_hash or the microseconds in timestamp.
FINGERPRINT_COLUMNS = {"user": "id, username, email, password_hash", "post": "id, body, timestamp, user_id"}


# Fingerprints: telling the database --setup made from a rebuilt one


def fingerprint_file(database):
    """Name the file next to the database that keeps its fingerprint."""
    return database.with_name(database.name + ".fingerprint")


def fingerprint():
    """Hash the rows with their random password salts and timestamps, and count them."""
    digest = hashlib.sha256()
    counts = {}
    with db.engine.connect() as connection:
        for table, names in FINGERPRINT_COLUMNS.items():
            found = connection.exec_driver_sql(f'SELECT {names} FROM "{table}" ORDER BY id').all()
            counts[table] = len(found)
            digest.update(repr([tuple(row) for row in found]).encode())
    return {"rows": counts, "sha256": digest.hexdigest()}


def fingerprint_problems(database):
    """Say whether the rows are still the ones --setup made, or lost, or made anew."""
    saved_file = fingerprint_file(database)
    if not saved_file.exists():
        return [f"{saved_file.name} is missing, so the rows cannot be checked: run --setup again"]
    saved, now = json.loads(saved_file.read_text()), fingerprint()
    problems = [
        f"{table} has {now['rows'][table]} rows, it had {count}"
        for table, count in saved["rows"].items()
        if now["rows"][table] != count
    ]
    if not problems and now["sha256"] != saved["sha256"]:
        problems.append(
            "the users and posts are not the ones --setup made (their password salts or timestamps differ): "
            "the database was rebuilt, or its rows were changed"
        )
    return problems


def setup_rows(database):
    """Seed the database with a real password hash and the current time, and keep its fingerprint beside it."""
    seed_rows(password_hash=hash_password(SAMPLE_PASSWORD), now=datetime.now(UTC))
    fingerprint_file(database).write_text(json.dumps(fingerprint()))


def fresh_file(database):
    """Remove the database and its fingerprint, so setup starts from nothing."""
    database.parent.mkdir(parents=True, exist_ok=True)
    database.unlink(missing_ok=True)
    fingerprint_file(database).unlink(missing_ok=True)


def reference_schema(project, directory, revision):
    """Build the given revision on a scratch database and describe its schema."""
    with scratch_app(project.config):
        migrate("upgrade", directory, revision)
        return schema()


# Exercise 5: recover from a failed migration


def set_up_exercise5(project):
    """Make the exercise 5 database from the shipped history (rows, then a revision failing halfway): its path."""
    fresh_file(project.exercise5)
    with shipped_migrations(project.migrations) as shipped, database_app(project.exercise5, project.config):
        migrate("upgrade", shipped, SHIPPED_HEAD)
        setup_rows(project.exercise5)
        migrate("downgrade", shipped, BEFORE_NAIVE)
        with contextlib.suppress(Trouble):  # The failure is the exercise.
            migrate("upgrade", project.naive, NAIVE_REVISION)
    return project.exercise5


def check_recovery(project):
    """Exercise 5: the schema is the revision the database reports, no batch leftovers, and the very same rows."""
    database = project.exercise5
    if not database.exists():
        return Outcome(
            Status.NOT_STARTED, [f"{database.name} is missing: run `python -m exercises.check 5 --setup` first"]
        )
    try:
        with database_app(database, project.config):
            with db.engine.connect() as connection:
                leftovers = leftover_tables(connection)
            reported, found = versions(), schema()
            problems = [f"a leftover batch table is still there: {name}" for name in leftovers]
            problems += fingerprint_problems(database)
        if not reported or len(reported) != 1:
            return Outcome(Status.NOT_YET, [*problems, f"the database reports no single revision: {reported}"])
        [revision] = reported
        if revision not in (*SHIPPED_REVISIONS, NAIVE_REVISION):
            return Outcome(
                Status.NOT_YET, [*problems, f"the database reports {revision}, which is not a shipped revision"]
            )
        with shipped_migrations(project.migrations) as shipped:
            directory = project.fixed if revision == NAIVE_REVISION else shipped
            expected = reference_schema(project, directory, revision)
        mismatch = schema_mismatch(f"revision {revision}", expected, found)
        if mismatch:
            problems.append(f"the tables do not match revision {revision}, which the database reports ({mismatch})")
        return verdict(problems)
    except Trouble as trouble:
        return Outcome(Status.NOT_YET, [str(trouble)])


# Exercise 7: adopt a database made by db.create_all()


def set_up_exercise7(project, metadata=None):
    """Make the exercise 7 database as an app without migrations does (create_all(), then rows): its path."""
    fresh_file(project.exercise7)
    with database_app(project.exercise7, project.config):
        (metadata or db.metadata).create_all(db.engine)
        setup_rows(project.exercise7)
    return project.exercise7


def check_adoption(project):
    """Exercise 7: stamped at the head, the schema the migrations build, and the very same rows."""
    database = project.exercise7
    if not database.exists():
        return Outcome(
            Status.NOT_STARTED, [f"{database.name} is missing: run `python -m exercises.check 7 --setup` first"]
        )
    try:
        heads = load_scripts(project.migrations).get_heads()
        if len(heads) != 1:
            return Outcome(
                Status.NOT_YET, [f"migrations/ has {len(heads)} heads ({', '.join(heads)}); exercise 6 joins them"]
            )
        with database_app(database, project.config):
            reported, found = versions(), schema()
            problems = fingerprint_problems(database)
        mismatch = schema_mismatch("the database", reference_schema(project, project.migrations, heads[0]), found)
        if mismatch:
            problems.append(f"its tables differ from what `flask db upgrade` builds at {heads[0]} ({mismatch})")
        if reported is None:
            problems.append("it has no alembic_version table: once its tables match, run `flask db stamp head`")
        elif reported != heads:
            problems.append(f"it is stamped at {', '.join(reported)}, but the head is {heads[0]}: stamp head")
        return verdict(problems)
    except Trouble as trouble:
        return Outcome(Status.NOT_YET, [str(trouble)])
