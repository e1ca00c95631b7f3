"""Apps on scratch or exercise databases, Alembic runs that fail in words, and the student's revision scripts."""

import contextlib
import shutil
import tempfile
from pathlib import Path

from alembic import command
from alembic.script import ScriptDirectory
from flask import current_app

from app import create_app
from app.extensions import db
from exercises.check.project import SHIPPED_HEAD, SHIPPED_REVISIONS, Trouble


@contextlib.contextmanager
def database_app(database, config):
    """Run the block in an app on the given SQLite file, and let go of the file afterwards."""
    app = create_app(config, {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}"})
    with app.app_context():
        try:
            yield app
        finally:
            db.engine.dispose()


@contextlib.contextmanager
def scratch_app(config):
    """Run the block in an app on a new SQLite file that disappears afterwards."""
    with tempfile.TemporaryDirectory() as folder, database_app(Path(folder) / "scratch.sqlite", config) as app:
        yield app


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


def parents_of(revision):
    """List the revisions this one revises: one, or two for a merge."""
    down = revision.down_revision
    return list(down) if isinstance(down, (tuple, list)) else [down]


@contextlib.contextmanager
def shipped_migrations(migrations):
    """Copy the migrations directory with only the shipped revisions, so nothing a student added can break it."""
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / "migrations"
        shutil.copytree(migrations, target, ignore=shutil.ignore_patterns("versions", "__pycache__"))
        (target / "versions").mkdir()
        for revision in SHIPPED_REVISIONS:
            for script in (migrations / "versions").glob(f"{revision}_*.py"):
                shutil.copy(script, target / "versions")
        yield target
