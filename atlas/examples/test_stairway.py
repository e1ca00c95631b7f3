"""Tests for the migration history itself: one head, every step down and up again, models in step.

Copy this file into your project's tests/ folder and run pytest from the project's folder (where
`flask db` finds migrations/). It needs nothing but pytest, Flask-Migrate and your create_app();
if your create_app() takes no settings, change make_app() below to set the database URL another way.
"""

import pytest
from alembic import command
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade

from app import create_app
from config import Config

MIGRATIONS = "migrations"
SCRIPTS = ScriptDirectory(MIGRATIONS)
# Oldest first, the order `flask db upgrade` walks them.
REVISIONS = list(reversed(list(SCRIPTS.walk_revisions())))


def make_app(database_url):
    """Build the app on a database of the test's own, never the one you develop with."""
    return create_app(Config, {"SQLALCHEMY_DATABASE_URI": database_url})


@pytest.fixture
def app(tmp_path):
    """An app on an empty SQLite file, inside an app context, as `flask db` runs."""
    # A file, not sqlite:// in memory: every connection to an in-memory database gets a new,
    # empty one, and a migration opens connections of its own.
    app = make_app(f"sqlite:///{tmp_path / 'stairway.sqlite'}")
    with app.app_context():
        yield app


def test_history_has_a_single_head():
    heads = SCRIPTS.get_heads()
    assert len(heads) == 1, f"several heads {heads}: run `flask db merge heads`"


@pytest.mark.parametrize("script", REVISIONS, ids=lambda script: script.revision)
def test_revision_goes_down_and_up_again(app, script):
    # Start where this revision starts: after the one before it (or from nothing).
    if script.down_revision is not None:
        upgrade(directory=MIGRATIONS, revision=script.down_revision)
    upgrade(directory=MIGRATIONS, revision=script.revision)
    # A downgrade that leaves a table, column or index behind makes the next upgrade fail.
    downgrade(directory=MIGRATIONS, revision="-1")
    upgrade(directory=MIGRATIONS, revision=script.revision)


def test_models_match_the_migrations(app):
    upgrade(directory=MIGRATIONS)
    # What `flask db check` does: raises, listing the differences, if a migration is missing.
    command.check(app.extensions["migrate"].migrate.get_config(MIGRATIONS))
