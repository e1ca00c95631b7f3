"""Self-checks for the classroom exercises: `python -m exercises.check N` from the project folder."""

import argparse
import contextlib
import sys
import tempfile
from pathlib import Path

import sqlalchemy as sa
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade

from app import create_app
from app.extensions import db
from config import Config

ROOT = Path(__file__).resolve().parents[1]
SHIPPED_HEAD = "e2a9d4f6b813"
EXERCISE5_DATABASE = ROOT / "instance" / "exercise5.sqlite"
# Columns whose values `flask seed` makes the same every time (hashes and timestamps differ).
LASTING_COLUMNS = {"user": "id, username, email", "post": "id, body, user_id"}


def app_on(database):
    """Build the app on the given SQLite file."""
    return create_app(Config, {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}"})


def snapshot(tables=("user", "post"), columns=None):
    """Read the rows of the classic columns, so a check can tell whether a migration lost any."""
    classic = columns or {"user": "id, username, email, password_hash", "post": "id, body, timestamp, user_id"}
    with db.engine.connect() as connection:
        return {t: connection.exec_driver_sql(f'SELECT {classic[t]} FROM "{t}" ORDER BY id').all() for t in tables}


def user_columns():
    return {column["name"]: column for column in sa.inspect(db.engine).get_columns("user")}


def fill_about_me():
    """Give every user an about_me text, as real users would have written by now."""
    with db.engine.begin() as connection:
        connection.exec_driver_sql("UPDATE \"user\" SET about_me = 'about ' || username WHERE about_me IS NULL")


def about_texts():
    with db.engine.connect() as connection:
        return connection.exec_driver_sql("SELECT id, 'about ' || username FROM \"user\" ORDER BY id").all()


def column_problems(exercise):
    """Say what the schema at the head revision still lacks for this exercise."""
    columns = user_columns()
    if exercise == 1:
        about = columns.get("about_me")
        if about is None:
            return ["there is no column user.about_me after `flask db upgrade`"]
        if getattr(about["type"], "length", None) != 140:
            return [f"user.about_me is {about['type']}, not VARCHAR(140)"]
    if exercise == 2 and getattr(columns["username"]["type"], "length", None) != 80:
        return [f"user.username is {columns['username']['type']}, not VARCHAR(80)"]
    if exercise == 3:
        if "bio" not in columns or "about_me" in columns:
            return ["after `flask db upgrade` the user table should have bio and no about_me"]
        with db.engine.connect() as connection:
            bios = connection.exec_driver_sql('SELECT id, bio FROM "user" ORDER BY id').all()
        if bios != about_texts():
            return ["the about_me texts did not arrive in bio: the rename lost data"]
    if exercise == 4:
        if "post_count" not in columns:
            return ["there is no column user.post_count after `flask db upgrade`"]
        with db.engine.connect() as connection:
            wrong = connection.exec_driver_sql(
                'SELECT username FROM "user" WHERE post_count IS NOT '
                '(SELECT count(*) FROM post WHERE post.user_id = "user".id)'
            ).all()
        if wrong:
            return [f"post_count is wrong for {len(wrong)} users, e.g. {wrong[0][0]}"]
    return []


def check_history(exercise, migrations=str(ROOT / "migrations")):
    """Run the student's revisions after the shipped head on seeded data, and list what is wrong."""
    revisions = [s.revision for s in reversed(list(ScriptDirectory(migrations).walk_revisions()))]
    new = revisions[revisions.index(SHIPPED_HEAD) + 1 :]
    if not new:
        return ["there is no new revision after the shipped head yet: run `flask db migrate`"]
    with tempfile.TemporaryDirectory() as scratch:
        app = app_on(Path(scratch) / "check.sqlite")
        with app.app_context():
            try:
                upgrade(directory=migrations, revision=SHIPPED_HEAD)
                app.test_cli_runner().invoke(args=["seed"])
                before = snapshot()
                for revision in new:
                    upgrade(directory=migrations, revision=revision)
                    if "about_me" in user_columns():
                        fill_about_me()
                problems = column_problems(exercise)
                downgrade(directory=migrations, revision=SHIPPED_HEAD)
                if snapshot() != before:
                    problems.append("downgrading your revisions changed or lost rows of user or post")
                upgrade(directory=migrations)
            except Exception as error:  # noqa: BLE001  (a student's script may fail in any way)
                problems = [f"a migration failed: {str(error).splitlines()[0]}"]
            finally:
                db.engine.dispose()
    return problems


def set_up_exercise5(database=EXERCISE5_DATABASE):
    """Make the exercise 5 database: sample rows, then a naive revision that failed halfway."""
    database.parent.mkdir(exist_ok=True)
    database.unlink(missing_ok=True)
    app = app_on(database)
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        app.test_cli_runner().invoke(args=["seed"])
        downgrade(directory=str(ROOT / "migrations"), revision="60e4d26fe43c")
        with contextlib.suppress(sa.exc.OperationalError):  # The failure is the exercise.
            upgrade(directory=str(ROOT / "exhibits" / "naive"))
        db.engine.dispose()


def check_recovery(database=EXERCISE5_DATABASE):
    """Tell whether the exercise 5 database is whole: its schema is the revision it reports, and no row is lost."""
    if not database.exists():
        return ["instance/exercise5.sqlite is missing: run `python -m exercises.check 5 --setup` first"]
    app = app_on(database)
    with app.app_context():
        inspector = sa.inspect(db.engine)
        leftovers = [t for t in inspector.get_table_names() if t.startswith("_alembic_tmp_")]
        with db.engine.connect() as connection:
            revision = connection.scalar(sa.text("SELECT version_num FROM alembic_version"))
        shape = table_shapes(inspector)
        rows = snapshot(columns=LASTING_COLUMNS)
        db.engine.dispose()
    with tempfile.TemporaryDirectory() as scratch:
        # The same revision, built from nothing, shows what the tables should look like.
        app = app_on(Path(scratch) / "reference.sqlite")
        with app.app_context():
            directory = ROOT / ("exhibits/fixed" if revision == "b3c8e1d94f27" else "migrations")
            upgrade(directory=str(directory), revision=revision)
            app.test_cli_runner().invoke(args=["seed"])
            expected_shape = table_shapes(sa.inspect(db.engine))
            expected_rows = snapshot(columns=LASTING_COLUMNS)
            db.engine.dispose()
    problems = [f"a leftover batch table is still there: {name}" for name in leftovers]
    if shape != expected_shape:
        problems.append(f"the tables do not match revision {revision}, which the database reports")
    if rows != expected_rows:
        problems.append("rows of user or post are missing or changed")
    return problems


def table_shapes(inspector):
    """List the columns and types of user and post."""
    return {table: [(c["name"], str(c["type"])) for c in inspector.get_columns(table)] for table in ("user", "post")}


def main(argv=None):
    parser = argparse.ArgumentParser(description="Check a classroom exercise (see exercises/README.md).")
    parser.add_argument("exercise", type=int, choices=range(1, 6), help="the exercise number, 1 to 5")
    parser.add_argument("--setup", action="store_true", help="exercise 5 only: create the broken database")
    args = parser.parse_args(argv)
    if args.setup:
        if args.exercise != 5:
            parser.error("only exercise 5 has a --setup step")
        set_up_exercise5()
        print("Created instance/exercise5.sqlite. Its last migration failed halfway; bring it back.")
        return 0
    problems = check_recovery() if args.exercise == 5 else check_history(args.exercise)
    if problems:
        print(f"Exercise {args.exercise}: not yet.")
        for problem in problems:
            print(f"  - {problem}")
        return 1
    print(f"Exercise {args.exercise}: passed.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
