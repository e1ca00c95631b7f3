"""The dummy downgrade: SQLite's own DROP COLUMN where that is safe, batch mode's copy where it is not."""

import sqlite3

import pytest
import sqlalchemy as sa
from alembic.migration import MigrationContext
from alembic.operations import Operations
from flask_migrate import downgrade, upgrade

from app.extensions import db
from tests.conftest import app_for, current_revision, statements_run
from tests.test_migrations import MIGRATIONS, snapshot


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


FULL_CHECK = "PRAGMA foreign_key_check"
ONE_TABLE_CHECK = "SELECT * FROM pragma_foreign_key_check(?)"


def drop_dummy():
    """Run the downgrade and return (statements it ran, whether the rows outside dummy are intact)."""
    before = snapshot()
    with statements_run(lookups=True) as seen:
        downgrade(directory=MIGRATIONS, revision="fb762c06d798")
    after = snapshot()
    del before["user"]["dummy"]
    return seen, after == before


@pytest.mark.skipif(sqlite3.sqlite_version_info < (3, 35, 5), reason="needs SQLite 3.35.5 or newer to drop in place")
def test_dummy_is_dropped_in_place_on_current_sqlite(at_dummy):
    seen, intact = drop_dummy()
    assert "ALTER TABLE user DROP COLUMN dummy" in seen
    assert not any("_alembic_tmp_" in statement for statement in seen)
    assert intact


@pytest.mark.skipif(sqlite3.sqlite_version_info < (3, 35, 5), reason="needs SQLite 3.35.5 or newer to drop in place")
def test_an_in_place_drop_checks_only_the_keys_of_its_own_table(at_dummy):
    # Checking every post against user would cost as much again as the drop on a big table;
    # the drop wrote no rows, so only user's own keys could have changed (it has none).
    seen, _ = drop_dummy()
    assert ONE_TABLE_CHECK in seen
    assert FULL_CHECK not in seen


def test_older_sqlite_gets_the_batch_copy_and_every_foreign_key_checked(at_dummy, monkeypatch):
    monkeypatch.setattr(sqlite3, "sqlite_version_info", (3, 35, 4))
    seen, intact = drop_dummy()
    assert not any(statement.startswith("ALTER TABLE user DROP COLUMN") for statement in seen)
    assert any(statement.startswith("CREATE TABLE _alembic_tmp_user") for statement in seen)
    assert intact
    # The copy wrote rows, so a key anywhere could point nowhere now.
    assert FULL_CHECK in seen


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


@pytest.mark.parametrize("dependent", [unique_constraint, foreign_key, trigger], ids=lambda make: make.__name__)
def test_a_column_sqlite_refuses_to_drop_gets_the_batch_copy(at_dummy, dependent):
    give_dummy_a_dependent(dependent)
    seen, intact = drop_dummy()
    # SQLite refused ("cannot drop UNIQUE column", "error in trigger ..."), the savepoint undid
    # the attempt, and batch mode's copy, which leaves the dependent behind, did the work.
    assert "ROLLBACK TO SAVEPOINT sa_savepoint_1" in seen
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
