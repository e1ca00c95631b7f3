"""Self-checks for the classroom exercises: `python -m exercises.check N` (or `all`) from the project folder."""

import argparse
import contextlib
import hashlib
import json
import logging
import re
import shutil
import sys
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.script import ScriptDirectory
from flask import current_app

from app import create_app
from app.cli import SAMPLE_PASSWORD, sample_username
from app.dbtools.sqlite_report import LEFTOVER_PREFIX
from app.extensions import db
from app.models import hash_password
from config import Config

ROOT = Path(__file__).resolve().parents[1]
MIGRATIONS = ROOT / "migrations"
NAIVE = ROOT / "exhibits" / "naive"
FIXED = ROOT / "exhibits" / "fixed"
SHIPPED_HEAD = "f6c3a8e2b1d7"
# The history the project ships, oldest first; whatever comes after SHIPPED_HEAD is the student's.
SHIPPED_REVISIONS = (
    "fb762c06d798",
    "60e4d26fe43c",
    "2145583e182a",
    "7c1e5b9d0a34",
    "e2a9d4f6b813",
    "d4b7f1a9c2e5",
    SHIPPED_HEAD,
)
EXERCISE5_DATABASE = ROOT / "instance" / "exercise5.sqlite"
EXERCISE7_DATABASE = ROOT / "instance" / "exercise7.sqlite"
TITLES = {
    1: "Add a column, with data present",
    2: "Hit SQLite's wall, and fix it with batch mode",
    3: "Rename a column, keeping its data",
    4: "A data migration",
    5: "Recover from a failed migration",
    6: "Two branches, two heads",
    7: "Adopt a database made by db.create_all()",
}
PASSED, NOT_YET, NOT_STARTED = "passed", "not yet", "not started"
# The columns whose values identify the rows `--setup` made: a rebuild cannot repeat the
# random salt in password_hash or the microseconds in timestamp.
FINGERPRINT_COLUMNS = {"user": "id, username, email, password_hash", "post": "id, body, timestamp, user_id"}
UPDATE_USER = re.compile(r'^\s*UPDATE\s+[`"\[]?user[`"\]]?\s', re.IGNORECASE)
READS_POST = re.compile(r'^\s*SELECT\b.*\bFROM\s+[`"\[]?post[`"\]]?(\s|$)', re.IGNORECASE | re.DOTALL)


class Trouble(Exception):
    """A problem that ends a check early, in words a student can act on."""


@dataclass
class Outcome:
    """What a check found: passed, not yet or not started, and the problems behind it."""

    status: str
    problems: list[str] = field(default_factory=list)


def verdict(problems):
    """Turn a list of problems into an outcome."""
    return Outcome(NOT_YET, problems) if problems else Outcome(PASSED)


# Apps, scratch databases and migration commands


def app_on(database, config=Config):
    """Build the app on the given SQLite file."""
    return create_app(config, {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}"})


@contextlib.contextmanager
def scratch_app():
    """Run the block in an app on a new SQLite file that disappears afterwards."""
    with tempfile.TemporaryDirectory() as folder:
        app = app_on(Path(folder) / "scratch.sqlite")
        with app.app_context():
            try:
                yield app
            finally:
                db.engine.dispose()


@contextlib.contextmanager
def database_app(database, config=Config):
    """Run the block in an app on the given database file, and let go of the file afterwards."""
    app = app_on(database, config)
    with app.app_context():
        try:
            yield app
        finally:
            db.engine.dispose()


def migrate(direction, migrations, revision, label=None):
    """Run Alembic's upgrade or downgrade (or stamp), turning any failure into a Trouble naming the revision."""
    # Alembic itself, not flask_migrate's wrappers: those print the error and exit the process.
    config = current_app.extensions["migrate"].migrate.get_config(str(migrations))
    try:
        getattr(command, direction)(config, revision)
    except Exception as error:  # noqa: BLE001  (a student's script may fail in any way)
        raise Trouble(f"revision {label or revision}, {direction} failed: {first_line(error)}") from error


def first_line(error):
    """Say what went wrong in one line, the way the database or Alembic put it."""
    text = str(getattr(error, "orig", None) or error).strip()
    return (text.splitlines() or [type(error).__name__])[0]


def load_scripts(migrations):
    """Read every revision script, or say why they cannot be read."""
    try:
        script = ScriptDirectory(str(migrations))
        script.get_heads()  # Reads every file now, so a broken one shows up here.
    except Exception as error:  # noqa: BLE001
        raise Trouble(f"the revisions in {migrations.name}/versions cannot be read: {first_line(error)}") from error
    if script.get_revision(SHIPPED_HEAD) is None:
        raise Trouble(f"the shipped revision {SHIPPED_HEAD} is missing from {migrations.name}/versions")
    return script


def student_revisions(script):
    """List the revisions after the shipped history, each after the ones it revises."""
    shipped = {r.revision for r in script.iterate_revisions(SHIPPED_HEAD, "base")}
    return [r for r in reversed(list(script.walk_revisions())) if r.revision not in shipped]


@contextlib.contextmanager
def shipped_migrations(migrations=MIGRATIONS):
    """Copy the migrations directory with only the shipped revisions, so nothing a student added can break it."""
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / "migrations"
        shutil.copytree(migrations, target, ignore=shutil.ignore_patterns("versions", "__pycache__"))
        (target / "versions").mkdir()
        for revision in SHIPPED_REVISIONS:
            for script in (migrations / "versions").glob(f"{revision}_*.py"):
                shutil.copy(script, target / "versions")
        yield target


# What a database holds


def columns():
    """Describe every column as {"table.column": type}, leaving out Alembic's own table."""
    inspector = sa.inspect(db.engine)
    return {
        f"{table}.{column['name']}": str(column["type"])
        for table in inspector.get_table_names()
        if table != "alembic_version"
        for column in inspector.get_columns(table)
    }


def rows():
    """Read every table as {"table.column": [values in id order]}, plus {"table": row count}."""
    values, counts = {}, {}
    metadata = sa.MetaData()
    with db.engine.connect() as connection:
        metadata.reflect(connection)
        for table in metadata.sorted_tables:
            if table.name == "alembic_version" or table.name.startswith(LEFTOVER_PREFIX):
                continue
            found = connection.execute(sa.select(table).order_by(*table.primary_key.columns)).all()
            counts[table.name] = len(found)
            for position, column in enumerate(table.columns):
                values[f"{table.name}.{column.name}"] = [row[position] for row in found]
    return values, counts


def versions():
    """Read the revisions the database reports, or None when it has no alembic_version table."""
    if not sa.inspect(db.engine).has_table("alembic_version"):
        return None
    with db.engine.connect() as connection:
        return sorted(connection.scalars(sa.text("SELECT version_num FROM alembic_version")))


def schema_text():
    """Describe every table's columns, keys, indexes and CHECK constraints, to compare two databases."""
    inspector = sa.inspect(db.engine)
    lines = []
    for table in sorted(inspector.get_table_names()):
        if table == "alembic_version":
            continue
        lines += [f"{table}.{c['name']} {c['type']} nullable={c['nullable']}" for c in inspector.get_columns(table)]
        lines.append(f"{table} primary key {inspector.get_pk_constraint(table)['constrained_columns']}")
        lines += sorted(
            f"{table} foreign key {k['constrained_columns']} -> {k['referred_table']}{k['referred_columns']}"
            for k in inspector.get_foreign_keys(table)
        )
        lines += sorted(
            f"{table} index {i['name']} {i['column_names']} unique={bool(i['unique'])}"
            for i in inspector.get_indexes(table)
        )
        lines += sorted(f"{table} unique {u['column_names']}" for u in inspector.get_unique_constraints(table))
        lines += sorted(f"{table} check {c['sqltext']}" for c in inspector.get_check_constraints(table))
    return "\n".join(lines)


def seed_rows(password_hash="scratch-hash", now=None):
    """Add ten users and thirty posts with plain SQL: uneven post counts, and three users without any."""
    # Stored the way the app stores them: UTC without an offset, to the microsecond.
    start = (now or datetime(2026, 1, 1, 12, 0, tzinfo=UTC)).replace(tzinfo=None)
    users = [
        {"id": n, "username": sample_username(n), "email": f"{sample_username(n)}@example.com", "hash": password_hash}
        for n in range(1, 11)
    ]
    # Posts go to the first seven users only, so counts differ and some users have none.
    posts = [
        {"body": f"Sample post {n}", "at": str(start + timedelta(microseconds=n)), "user_id": n % 7 + 1}
        for n in range(1, 31)
    ]
    with db.engine.begin() as connection:
        connection.execute(
            sa.text('INSERT INTO "user" (id, username, email, password_hash) VALUES (:id, :username, :email, :hash)'),
            users,
        )
        connection.execute(sa.text("INSERT INTO post (body, timestamp, user_id) VALUES (:body, :at, :user_id)"), posts)


def run_sql(statement):
    """Run one statement in its own transaction."""
    with db.engine.begin() as connection:
        connection.exec_driver_sql(statement)


# Comparing rows and columns


def noun(values):
    """Name what a column holds, for messages: texts, numbers or values."""
    sample = next((value for value in values if value is not None), None)
    return {str: "texts", int: "numbers"}.get(type(sample), "values")


def row_problems(where, expected, found):
    """List how the rows found differ from the rows expected, naming table.column."""
    expected_values, expected_counts = expected
    found_values, found_counts = found
    problems, short_tables = [], set()
    for table, count in expected_counts.items():
        if found_counts.get(table, 0) != count:
            problems.append(f"{where}: {table} has {found_counts.get(table, 0)} rows, it had {count}")
            short_tables.add(table)
    for name, values in expected_values.items():
        if name.split(".")[0] in short_tables:
            continue
        if name not in found_values:
            problems.append(f"{where}: {name} is missing")
        elif found_values[name] != values:
            wrong = sum(a != b for a, b in zip(values, found_values[name], strict=True))
            lost = all(value is None for value in found_values[name])
            how = "lost" if lost else f"changed {wrong} of"
            problems.append(f"{where}: {name} {how} its {noun(values)}")
    return problems


def column_problems(where, before, after):
    """List columns that a downgrade left behind or left with another type."""
    problems = [f"{where}: {name} is still there" for name in sorted(after.keys() - before.keys())]
    problems += [
        f"{where}: {name} is {after[name]}, not {before[name]}"
        for name in sorted(before.keys() & after.keys())
        if before[name] != after[name]
    ]
    return problems


def type_problem(where, found, name, wanted):
    """Say if a column is missing or not of the wanted type."""
    if name not in found:
        return [f"{where}: there is no column {name}"]
    return [] if found[name] == wanted else [f"{where}: {name} is {found[name]}, not {wanted}"]


# Exercises 1 to 4: what each revision must do


@dataclass
class Exercise:
    """One schema exercise: how to recognise its revision, the data it needs, and what upgrading must give."""

    number: int
    recognise: object  # (added, removed, changed column names) -> bool
    prepare: object = None  # fills data the exercise cares about, before its revision runs
    expect: object = None  # (rows before) -> rows the upgrade must leave
    shape: dict = field(default_factory=dict)  # {"table.column": type, or None for "must be gone"}
    one_statement: bool = False  # the data must be filled by one UPDATE, inside the database


def expect_bio(before):
    """The about_me texts, now in bio."""
    values, counts = before
    values = dict(values)
    values["user.bio"] = values.pop("user.about_me")
    return values, counts


def expect_post_count(before):
    """Every user's number of posts, in post_count."""
    values, counts = before
    authors = values["post.user_id"]
    return {**values, "user.post_count": [authors.count(user) for user in values["user.id"]]}, counts


EXERCISES = {
    1: Exercise(
        1,
        lambda added, removed, changed: "user.about_me" in added and not removed,
        shape={"user.about_me": "VARCHAR(140)"},
    ),
    2: Exercise(
        2,
        lambda added, removed, changed: "user.username" in changed,
        # A username as long as the old column allows must survive the round trip.
        prepare=lambda: run_sql("UPDATE \"user\" SET username = 'u' || substr(printf('%064d', id), 2) WHERE id = 1"),
        shape={"user.username": "VARCHAR(80)"},
    ),
    3: Exercise(
        3,
        lambda added, removed, changed: "user.bio" in added,
        # Most users wrote something; one did not, and must stay empty.
        prepare=lambda: run_sql("UPDATE \"user\" SET about_me = 'about ' || username WHERE id > 1"),
        expect=expect_bio,
        shape={"user.about_me": None, "user.bio": "VARCHAR(140)"},
    ),
    4: Exercise(
        4,
        lambda added, removed, changed: "user.post_count" in added,
        expect=expect_post_count,
        shape={"user.post_count": "INTEGER"},
        one_statement=True,
    ),
}
# Exercise 6's two branch revisions, recognised the same way.
BRANCH_COLUMNS = ("user.location", "post.language")


@dataclass
class Walk:
    """The student's revisions, which exercise each one does, and where upgrading them stopped, if it did."""

    script: ScriptDirectory
    found: dict
    stopped: str | None = None


def walk(migrations=MIGRATIONS):
    """Upgrade a seeded scratch database through the student's revisions one at a time, and recognise each."""
    script = load_scripts(migrations)
    found, stopped = {}, None
    with scratch_app():
        migrate("upgrade", migrations, SHIPPED_HEAD)
        seed_rows()
        before = columns()
        for revision in student_revisions(script):
            try:
                migrate("upgrade", migrations, revision.revision)
            except Trouble as trouble:
                stopped = str(trouble)
                break
            after = columns()
            added, removed = after.keys() - before.keys(), before.keys() - after.keys()
            changed = {name for name in before.keys() & after.keys() if before[name] != after[name]}
            for number, exercise in EXERCISES.items():
                if number not in found and exercise.recognise(added, removed, changed):
                    found[number] = revision.revision
            for name in BRANCH_COLUMNS:
                if name in added:
                    found.setdefault(name, revision.revision)
            before = after
    return Walk(script, found, stopped)


@contextlib.contextmanager
def statements_seen():
    """Collect (statement, executemany) for every statement any engine runs during the block."""
    seen = []

    def record(connection, cursor, statement, parameters, context, executemany):
        seen.append((statement, executemany))

    sa.event.listen(sa.engine.Engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        sa.event.remove(sa.engine.Engine, "before_cursor_execute", record)


def row_by_row(where, statements):
    """Say if the upgrade filled user row by row from Python instead of with one UPDATE."""
    updates = [statement for statement, many in statements if UPDATE_USER.match(statement)]
    if any(many for statement, many in statements if UPDATE_USER.match(statement)):
        return [f"{where}: user.post_count is filled by executemany, one row at a time; use one UPDATE"]
    if len(updates) > 1:
        return [f"{where}: user.post_count is filled by {len(updates)} UPDATE statements, one per user; use one"]
    if sum(bool(READS_POST.match(statement)) for statement, _ in statements) > 1:
        return [f"{where}: user.post_count is counted in a Python loop over users; let one UPDATE count"]
    return []


def shape_problems(exercise, where):
    """Say which columns the exercise wants are missing, of another type, or still there when they should be gone."""
    found, problems = columns(), []
    for name, wanted in exercise.shape.items():
        if wanted is None:
            problems += [f"{where}: {name} is still there"] if name in found else []
        else:
            problems += type_problem(where, found, name, wanted)
    return problems


def upgrade_problems(exercise, where, before, statements):
    """Compare what the upgrade left with what the exercise asks for."""
    expected = exercise.expect(before) if exercise.expect else before
    problems = shape_problems(exercise, where) + row_problems(where, expected, rows())
    if exercise.one_statement:
        problems += row_by_row(where, statements)
    return problems


def parents_of(revision):
    """List the revisions this one revises: one, or two for a merge."""
    down = revision.down_revision
    return list(down) if isinstance(down, (tuple, list)) else [down]


def try_revision(exercise, migrations, script, revision):
    """Upgrade, downgrade and upgrade the exercise's revision on seeded rows, and list what went wrong."""
    parents = parents_of(script.get_revision(revision))
    with scratch_app():
        migrate("upgrade", migrations, SHIPPED_HEAD)
        seed_rows()
        for parent in parents:
            migrate("upgrade", migrations, parent)
        if exercise.prepare:
            exercise.prepare()
        shape_before, before = columns(), rows()
        with statements_seen() as statements:
            migrate("upgrade", migrations, revision)
        problems = upgrade_problems(exercise, f"revision {revision}, upgrade", before, statements)
        migrate("downgrade", migrations, parents[0], label=revision)
        where = f"revision {revision}, downgrade"
        problems += column_problems(where, shape_before, columns()) + row_problems(where, before, rows())
        if problems:
            return problems
        with statements_seen() as statements:
            migrate("upgrade", migrations, revision)
        return upgrade_problems(exercise, f"revision {revision}, upgrade after a downgrade", before, statements)


def check_exercise(number, migrations=MIGRATIONS, walked=None):
    """Find this exercise's revision among the student's, wherever it is, and test it alone."""
    try:
        walked = walked or walk(migrations)
        revision = walked.found.get(number)
        if revision is None:
            if walked.stopped:
                return Outcome(NOT_YET, [walked.stopped])
            return Outcome(NOT_STARTED, [f"no revision after {SHIPPED_HEAD} does exercise {number} yet"])
        return verdict(try_revision(EXERCISES[number], migrations, walked.script, revision))
    except Trouble as trouble:
        return Outcome(NOT_YET, [str(trouble)])


def check_history(number, migrations=MIGRATIONS):
    """List what is still wrong with exercise 1, 2, 3 or 4 (an empty list when it passes)."""
    return check_exercise(number, Path(migrations)).problems


# Exercise 6: two branches, two heads


def ancestors(script, revision):
    """Name the revision and every revision it is built on."""
    return {r.revision for r in script.iterate_revisions(revision, "base")}


def joins(script, merge, one, other):
    """Tell whether the merge revision joins two branches, one holding `one` and the other `other`."""
    lines = [ancestors(script, parent) for parent in parents_of(merge)]
    return any(one in a and other in b for a in lines for b in lines if a is not b)


def branch_problems(walked):
    """Check the shape of the history for exercise 6, before running anything."""
    script = walked.script
    heads = script.get_heads()
    if len(heads) > 1:
        return [
            f"there are {len(heads)} heads ({', '.join(sorted(heads))}), so `flask db upgrade` stops with "
            '"Multiple head revisions are present": join them with `flask db merge heads -m "merge"`'
        ]
    location, language = (walked.found.get(name) for name in BRANCH_COLUMNS)
    missing = [name for name in BRANCH_COLUMNS if walked.found.get(name) is None]
    if missing:
        return [f"no revision adds {name}: keep both branches' revisions, each is someone's work" for name in missing]
    if location in ancestors(script, language) or language in ancestors(script, location):
        later, earlier = (language, location) if location in ancestors(script, language) else (location, language)
        return [
            f"revision {later} now revises {earlier}: its down_revision was re-pointed, which rewrites history "
            "that databases on the other branch already have; keep it as it was and add a merge revision"
        ]
    return []


def find_merge(walked):
    """Find the merge revision that joins the two branch revisions."""
    location, language = (walked.found[name] for name in BRANCH_COLUMNS)
    for revision in student_revisions(walked.script):
        if revision.is_merge_point and joins(walked.script, revision, location, language):
            return revision
    return None


def try_merge(migrations, merge):
    """Upgrade, downgrade and upgrade the merge revision on seeded rows with both branches' data."""
    parents = parents_of(merge)
    with scratch_app():
        migrate("upgrade", migrations, SHIPPED_HEAD)
        seed_rows()
        for parent in parents:
            migrate("upgrade", migrations, parent)
        run_sql("UPDATE \"user\" SET location = 'City ' || id")
        run_sql("UPDATE post SET language = 'en'")
        shape_before, before = columns(), rows()
        migrate("upgrade", migrations, merge.revision)
        problems = row_problems(f"revision {merge.revision}, upgrade", before, rows())
        # Downgrading to one parent undoes the merge only: the database is at both parents again.
        migrate("downgrade", migrations, parents[0], label=merge.revision)
        where = f"revision {merge.revision}, downgrade"
        if versions() != sorted(parents):
            problems.append(f"{where}: the database reports {versions()}, not the two branch revisions {parents}")
        problems += column_problems(where, shape_before, columns()) + row_problems(where, before, rows())
        if problems:
            return problems
        migrate("upgrade", migrations, merge.revision)
        problems += row_problems(f"revision {merge.revision}, upgrade after a downgrade", before, rows())
    return problems


def check_branches(migrations=MIGRATIONS, walked=None):
    """Exercise 6: one head, both branch revisions kept, and a merge revision that joins them and keeps rows."""
    try:
        walked = walked or walk(migrations)
        started = any(walked.found.get(name) for name in BRANCH_COLUMNS) or len(walked.script.get_heads()) > 1
        if not started:
            return Outcome(NOT_STARTED, [f"no revision adds {' or '.join(BRANCH_COLUMNS)} yet"])
        problems = branch_problems(walked)
        if problems:
            return Outcome(NOT_YET, problems)
        merge = find_merge(walked)
        if merge is None:
            problems = [
                f"there is no merge revision whose down_revision names both {walked.found['user.location']} "
                f'and {walked.found["post.language"]}: run `flask db merge heads -m "merge"`'
            ]
            return Outcome(NOT_YET, problems)
        return verdict(try_merge(migrations, merge))
    except Trouble as trouble:
        return Outcome(NOT_YET, [str(trouble)])


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


# Exercise 5: recover from a failed migration


def set_up_exercise5(database=EXERCISE5_DATABASE, migrations=MIGRATIONS, config=Config):
    """Make the exercise 5 database from the shipped history only: rows, then a naive revision that fails halfway."""
    fresh_file(database)
    with shipped_migrations(migrations) as shipped, database_app(database, config):
        migrate("upgrade", shipped, SHIPPED_HEAD)
        setup_rows(database)
        migrate("downgrade", shipped, "60e4d26fe43c")
        with contextlib.suppress(Trouble):  # The failure is the exercise.
            migrate("upgrade", NAIVE, "b3c8e1d94f27")


def reference_schema(directory, revision):
    """Build the given revision on a scratch database and describe its schema."""
    with scratch_app():
        migrate("upgrade", directory, revision)
        return schema_text(), columns()


def check_recovery(database=EXERCISE5_DATABASE, migrations=MIGRATIONS):
    """Exercise 5: the schema is the revision the database reports, no batch leftovers, and the very same rows."""
    if not database.exists():
        return Outcome(NOT_STARTED, [f"{database.name} is missing: run `python -m exercises.check 5 --setup` first"])
    try:
        with database_app(database):
            leftovers = [t for t in sa.inspect(db.engine).get_table_names() if t.startswith(LEFTOVER_PREFIX)]
            reported, shape, found_columns = versions(), schema_text(), columns()
            problems = [f"a leftover batch table is still there: {name}" for name in leftovers]
            problems += fingerprint_problems(database)
        if not reported or len(reported) != 1:
            return Outcome(NOT_YET, [*problems, f"the database reports no single revision: {reported}"])
        [revision] = reported
        with shipped_migrations(migrations) as shipped:
            directory = FIXED if revision == "b3c8e1d94f27" else shipped
            if revision not in (*SHIPPED_REVISIONS, "b3c8e1d94f27"):
                return Outcome(
                    NOT_YET, [*problems, f"the database reports {revision}, which is not a shipped revision"]
                )
            expected_shape, expected_columns = reference_schema(directory, revision)
        if shape != expected_shape:
            differences = column_problems(f"revision {revision}", expected_columns, found_columns)
            missing = [f"revision {revision}: {n} is missing" for n in expected_columns.keys() - found_columns.keys()]
            detail = "; ".join(differences + sorted(missing)) or "indexes or constraints differ"
            problems.append(f"the tables do not match revision {revision}, which the database reports ({detail})")
        return verdict(problems)
    except Trouble as trouble:
        return Outcome(NOT_YET, [str(trouble)])


# Exercise 7: adopt a database made by db.create_all()


def set_up_exercise7(database=EXERCISE7_DATABASE, config=Config, metadata=None):
    """Make the exercise 7 database the way an app without migrations does: create_all() from the models, then rows."""
    fresh_file(database)
    with database_app(database, config):
        (metadata or db.metadata).create_all(db.engine)
        setup_rows(database)


def check_adoption(database=EXERCISE7_DATABASE, migrations=MIGRATIONS):
    """Exercise 7: stamped at the head, the schema the migrations build, and the very same rows."""
    if not database.exists():
        return Outcome(NOT_STARTED, [f"{database.name} is missing: run `python -m exercises.check 7 --setup` first"])
    try:
        heads = load_scripts(migrations).get_heads()
        if len(heads) != 1:
            return Outcome(NOT_YET, [f"migrations/ has {len(heads)} heads ({', '.join(heads)}); exercise 6 joins them"])
        with database_app(database):
            reported, shape, found_columns = versions(), schema_text(), columns()
            problems = fingerprint_problems(database)
        expected_shape, expected_columns = reference_schema(migrations, heads[0])
        if shape != expected_shape:
            differences = column_problems("the database", expected_columns, found_columns)
            missing = [f"the database: {n} is missing" for n in sorted(expected_columns.keys() - found_columns.keys())]
            detail = "; ".join(differences + missing) or "indexes or constraints differ"
            problems.append(f"its tables differ from what `flask db upgrade` builds at {heads[0]} ({detail})")
        if reported is None:
            problems.append("it has no alembic_version table: once its tables match, run `flask db stamp head`")
        elif reported != heads:
            problems.append(f"it is stamped at {', '.join(reported)}, but the head is {heads[0]}: stamp head")
        return verdict(problems)
    except Trouble as trouble:
        return Outcome(NOT_YET, [str(trouble)])


# The command line


def check(number, walked=None):
    """Run one exercise's check on the project's own migrations and databases."""
    # The module's names are read here, at call time, so that tests can point them at scratch copies.
    if number == 5:
        return check_recovery(EXERCISE5_DATABASE, MIGRATIONS)
    if number == 7:
        return check_adoption(EXERCISE7_DATABASE, MIGRATIONS)
    if number == 6:
        return check_branches(MIGRATIONS, walked)
    return check_exercise(number, MIGRATIONS, walked)


def check_all():
    """Run every check, walking the student's revisions once for all of them."""
    try:
        walked = walk(MIGRATIONS)
    except Trouble as trouble:
        walked, broken = None, Outcome(NOT_YET, [str(trouble)])
    outcomes = {}
    for number in TITLES:
        if walked is None and number not in (5, 7):
            outcomes[number] = broken
        else:
            outcomes[number] = check(number, walked)
    return outcomes


def report(number, outcome):
    """Print one exercise's status and its problems."""
    print(f"Exercise {number}: {outcome.status}.")
    for problem in outcome.problems:
        print(f"  - {problem}")


def report_all(outcomes):
    """Print the progress list: one line per exercise, problems under the ones not yet passed."""
    for number, outcome in outcomes.items():
        mark = "x" if outcome.status == PASSED else " "
        print(f"[{mark}] {number}. {TITLES[number]}: {outcome.status}")
        if outcome.status == NOT_YET:
            for problem in outcome.problems:
                print(f"      - {problem}")
    passed = sum(outcome.status == PASSED for outcome in outcomes.values())
    print(f"{passed} of {len(outcomes)} passed.")


def set_up(number):
    """Create the database an exercise starts from."""
    if number == 5:
        set_up_exercise5(EXERCISE5_DATABASE, MIGRATIONS)
        print(f"Created {EXERCISE5_DATABASE.relative_to(ROOT)}. Its last migration failed halfway; bring it back.")
    else:
        set_up_exercise7(EXERCISE7_DATABASE)
        print(f"Created {EXERCISE7_DATABASE.relative_to(ROOT)} with db.create_all(); adopt it into the migrations.")


def exercise_number(text):
    """Accept 1 to 7, or all."""
    if text == "all":
        return text
    if text.isdigit() and int(text) in TITLES:
        return int(text)
    raise argparse.ArgumentTypeError(f"choose an exercise from 1 to {len(TITLES)}, or all")


def main(argv=None):
    parser = argparse.ArgumentParser(description="Check a classroom exercise (see exercises/README.md).")
    parser.add_argument("exercise", type=exercise_number, help="the exercise number, 1 to 7, or all")
    parser.add_argument("--setup", action="store_true", help="exercises 5 and 7 only: create their database")
    args = parser.parse_args(argv)
    if args.setup and args.exercise not in (5, 7):
        parser.error("only exercises 5 and 7 have a --setup step")
    # Alembic logs every step it runs; the checks say what matters in their own words.
    logging.disable(logging.INFO)
    try:
        if args.setup:
            set_up(args.exercise)
            return 0
        if args.exercise == "all":
            outcomes = check_all()
            report_all(outcomes)
            return 0 if all(outcome.status == PASSED for outcome in outcomes.values()) else 1
        outcome = check(args.exercise)
        report(args.exercise, outcome)
        return 0 if outcome.status == PASSED else 1
    except Exception as error:  # noqa: BLE001  (a student's files may be broken in any way: say so, no traceback)
        print(f"Exercise {args.exercise}: could not run: {first_line(error)}")
        return 1
    finally:
        logging.disable(logging.NOTSET)


if __name__ == "__main__":
    sys.exit(main())
