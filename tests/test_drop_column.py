"""Dropping user.dummy: batch mode's copy, which the shipped downgrade uses, and SQLite's own DROP COLUMN."""

import sqlite3

import pytest
import sqlalchemy as sa
from alembic.migration import MigrationContext
from alembic.operations import Operations
from flask_migrate import downgrade, upgrade

from app.extensions import db
from tests.helpers import MIGRATIONS, app_for, current_revision, snapshot, statements_run

RUNNING = sqlite3.sqlite_version_info


@pytest.fixture
def at_dummy(tmp_path):
    """An SQLite database at the add-dummy revision, with users whose dummy holds a value."""
    app = app_for(f"sqlite:///{tmp_path / 'dummy.sqlite'}")
    with app.app_context():
        upgrade(directory=MIGRATIONS, revision="60e4d26fe43c")
        with db.engine.begin() as connection:
            for n in range(5):
                connection.execute(
                    sa.text("INSERT INTO \"user\" (username, email, dummy) VALUES (:name, :name || '@x.org', :name)"),
                    {"name": f"user{n}"},
                )
                connection.execute(sa.text("INSERT INTO post (body, user_id) VALUES ('hello', :id)"), {"id": n + 1})
        yield app
        db.engine.dispose()


def drop_dummy():
    """Run the downgrade and return (statements it ran, whether the rows outside dummy are intact)."""
    before = snapshot()
    with statements_run(lookups=True) as seen:
        downgrade(directory=MIGRATIONS, revision="fb762c06d798")
    after = snapshot()
    del before["user"]["dummy"]
    return seen, after == before


def test_the_dummy_downgrade_copies_the_table_and_checks_every_key(at_dummy):
    seen, intact = drop_dummy()
    assert any(statement.startswith("CREATE TABLE _alembic_tmp_user") for statement in seen)
    assert not any(statement.startswith("ALTER TABLE user DROP COLUMN") for statement in seen)
    # The copy wrote rows, so env.py checks every key before the revision commits.
    assert "PRAGMA foreign_key_check" in seen
    assert intact


def drop_with_recreate_never():
    """Drop dummy the way the appendix describes: batch mode told never to copy the table."""
    with db.engine.begin() as connection:
        operations = Operations(MigrationContext.configure(connection))
        with operations.batch_alter_table("user", recreate="never") as batch_op:
            batch_op.drop_column("dummy")


@pytest.mark.skipif(RUNNING < (3, 35, 5), reason="SQLite drops a column in place only from 3.35.5 (3.35.0, with bugs)")
def test_recreate_never_drops_the_column_in_place(at_dummy):
    before = snapshot()
    with statements_run() as seen:
        drop_with_recreate_never()
    assert seen == ["ALTER TABLE user DROP COLUMN dummy"]
    del before["user"]["dummy"]
    assert snapshot() == before


@pytest.mark.skipif(RUNNING >= (3, 35, 0), reason="shows the 2020 error, which only SQLite older than 3.35.0 gives")
def test_recreate_never_fails_with_the_2020_error_before_sqlite_3_35(at_dummy):
    with pytest.raises(sa.exc.OperationalError, match='near "DROP": syntax error'):
        drop_with_recreate_never()


def unique_constraint(op):
    with op.batch_alter_table("user") as batch_op:
        batch_op.create_unique_constraint("uq_user_dummy", ["dummy"])


def foreign_key(op):
    with op.batch_alter_table("user") as batch_op:
        batch_op.create_foreign_key("fk_user_dummy_user", "user", ["dummy"], ["username"])


def trigger(op):
    op.execute(
        "CREATE TRIGGER dummy_in_lower_case AFTER UPDATE OF dummy ON user "
        "BEGIN UPDATE user SET dummy = lower(NEW.dummy) WHERE id = NEW.id; END"
    )


def index(op):
    op.create_index("ix_user_dummy", "user", ["dummy"])


def view(op):
    op.execute("CREATE VIEW user_dummies AS SELECT id, dummy FROM user")


def give_dummy_a_dependent(make):
    """Add something that depends on user.dummy, outside any revision."""
    # An engine without the app's foreign-key enforcement, as migrations have (see migrations/env.py).
    engine = sa.create_engine(db.engine.url)
    with engine.begin() as connection:
        make(Operations(MigrationContext.configure(connection)))
    engine.dispose()


@pytest.mark.skipif(RUNNING < (3, 35, 5), reason="SQLite drops a column in place only from 3.35.5 (3.35.0, with bugs)")
@pytest.mark.parametrize(
    "dependent", [unique_constraint, foreign_key, trigger, index, view], ids=lambda make: make.__name__
)
def test_sqlite_refuses_to_drop_a_column_something_depends_on_in_place(at_dummy, dependent):
    give_dummy_a_dependent(dependent)
    with pytest.raises(sa.exc.OperationalError):
        drop_with_recreate_never()
    assert "dummy" in {c["name"] for c in sa.inspect(db.engine).get_columns("user")}


@pytest.mark.parametrize("dependent", [unique_constraint, foreign_key, trigger], ids=lambda make: make.__name__)
def test_the_batch_copy_drops_a_column_that_a_key_or_trigger_depends_on(at_dummy, dependent):
    give_dummy_a_dependent(dependent)
    seen, intact = drop_dummy()
    # The copy is made without the column, and without the dependent: a trigger vanishes silently.
    assert any(statement.startswith("CREATE TABLE _alembic_tmp_user") for statement in seen)
    assert "dummy" not in {c["name"] for c in sa.inspect(db.engine).get_columns("user")}
    assert intact


@pytest.mark.parametrize("dependent", [index, view], ids=lambda make: make.__name__)
def test_a_column_neither_way_can_drop_stops_the_downgrade_with_nothing_changed(at_dummy, dependent):
    # Batch mode recreates the index on the missing column, or renames its copy under a view
    # that SQLite then finds broken; either fails, and the revision's transaction takes back
    # the copy it had begun. Drop the index or view first, in the same revision.
    give_dummy_a_dependent(dependent)
    before = snapshot()
    with pytest.raises(sa.exc.OperationalError):
        downgrade(directory=MIGRATIONS, revision="fb762c06d798")
    assert current_revision() == "60e4d26fe43c"
    assert snapshot() == before
    assert not any(name.startswith("_alembic_tmp_") for name in sa.inspect(db.engine).get_table_names())
