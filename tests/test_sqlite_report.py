"""What the running SQLite can change in place, and the report that tells a learner."""

import sqlite3

import pytest
import sqlalchemy as sa
from alembic.migration import MigrationContext
from alembic.operations import Operations

from app.dbtools.sqlite_report import in_place_support
from tests.helpers import app_for

RUNNING = sqlite3.sqlite_version_info


@pytest.fixture
def ops(tmp_path):
    """Alembic operations on a scratch SQLite file holding a user table with a row in it."""
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'ops.sqlite'}")
    with engine.begin() as connection:
        connection.exec_driver_sql('CREATE TABLE "user" (id INTEGER PRIMARY KEY, name VARCHAR(20), dummy VARCHAR(20))')
        connection.exec_driver_sql("INSERT INTO \"user\" VALUES (1, 'ada', 'x')")
    with engine.begin() as connection:
        yield Operations(MigrationContext.configure(connection))
    engine.dispose()


def user_rows(ops):
    return ops.get_bind().exec_driver_sql('SELECT * FROM "user"').all()


@pytest.mark.parametrize(
    ("version", "drop", "not_null"),
    [((3, 31, 1), False, False), ((3, 35, 0), True, False), ((3, 40, 1), True, False), ((3, 53, 0), True, True)],
)
def test_support_table_follows_the_sqlite_release_notes(version, drop, not_null):
    support = in_place_support(version)
    assert support["drop a column"][0] is drop
    assert support["make a column NOT NULL or nullable"][0] is not_null
    assert support["change a column's type"][0] is False
    assert support["add or drop a unique or foreign key constraint"][0] is False


OLDER_THAN_3_35 = pytest.mark.skipif(RUNNING >= (3, 35, 0), reason="needs SQLite older than 3.35.0")
FROM_3_35 = pytest.mark.skipif(RUNNING < (3, 35, 0), reason="needs SQLite 3.35.0 or newer")
OLDER_THAN_3_53 = pytest.mark.skipif(RUNNING >= (3, 53, 0), reason="needs SQLite older than 3.53.0")
FROM_3_53 = pytest.mark.skipif(RUNNING < (3, 53, 0), reason="needs SQLite 3.53.0 or newer")


@FROM_3_35
def test_naive_drop_column_works_from_sqlite_3_35(ops):
    ops.drop_column("user", "dummy")
    assert user_rows(ops) == [(1, "ada")]
    assert in_place_support(RUNNING)["drop a column"][0] is True


@OLDER_THAN_3_35
def test_naive_drop_column_fails_with_the_2020_error_before_sqlite_3_35(ops):
    with pytest.raises(sa.exc.OperationalError, match='near "DROP": syntax error'):
        ops.drop_column("user", "dummy")
    assert in_place_support(RUNNING)["drop a column"][0] is False


@OLDER_THAN_3_53
def test_naive_type_change_fails_near_alter_before_sqlite_3_53(ops):
    with pytest.raises(sa.exc.OperationalError, match='near "ALTER": syntax error'):
        ops.alter_column("user", "dummy", existing_type=sa.String(20), type_=sa.String(40))


@FROM_3_53
def test_naive_type_change_fails_near_type_from_sqlite_3_53(ops):
    with pytest.raises(sa.exc.OperationalError, match='near "TYPE": syntax error'):
        ops.alter_column("user", "dummy", existing_type=sa.String(20), type_=sa.String(40))


def test_naive_unique_constraint_is_refused_on_every_sqlite(ops):
    with pytest.raises(NotImplementedError, match="No support for ALTER of constraints in SQLite dialect"):
        ops.create_unique_constraint("uq_user_dummy", "user", ["dummy"])


@FROM_3_53
def test_naive_not_null_change_works_from_sqlite_3_53(ops):
    ops.alter_column("user", "name", existing_type=sa.String(20), nullable=False)
    assert in_place_support(RUNNING)["make a column NOT NULL or nullable"][0] is True


@OLDER_THAN_3_53
def test_naive_not_null_change_fails_before_sqlite_3_53(ops):
    with pytest.raises(sa.exc.OperationalError, match="syntax error"):
        ops.alter_column("user", "name", existing_type=sa.String(20), nullable=False)
    assert in_place_support(RUNNING)["make a column NOT NULL or nullable"][0] is False


def test_batch_mode_makes_each_of_those_changes_and_keeps_the_row(ops):
    with ops.batch_alter_table("user") as batch_op:
        batch_op.alter_column("dummy", existing_type=sa.String(20), type_=sa.String(40))
        batch_op.create_unique_constraint("uq_user_dummy", ["dummy"])
        batch_op.alter_column("name", existing_type=sa.String(20), nullable=False)
    with ops.batch_alter_table("user") as batch_op:
        batch_op.drop_constraint("uq_user_dummy", type_="unique")
        batch_op.drop_column("dummy")
    assert user_rows(ops) == [(1, "ada")]


@pytest.fixture
def report_app(tmp_path):
    app = app_for(f"sqlite:///{tmp_path / 'report.sqlite'}")
    with app.app_context():
        from app.extensions import db

        with db.engine.begin() as connection:
            connection.exec_driver_sql("CREATE TABLE user (id INTEGER PRIMARY KEY)")
            connection.exec_driver_sql("INSERT INTO user VALUES (1)")
        yield app, db
        db.engine.dispose()


def test_report_names_the_running_version_and_finds_no_leftovers(report_app):
    app, _ = report_app
    result = app.test_cli_runner().invoke(args=["sqlite-report"])
    assert result.exit_code == 0
    assert f"SQLite {sqlite3.sqlite_version} " in result.output
    assert "No tables left behind by a failed batch step." in result.output


def test_report_drops_a_leftover_copy_but_keeps_one_whose_original_is_gone(report_app):
    app, db = report_app
    with db.engine.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE _alembic_tmp_user (id INTEGER)")
        connection.exec_driver_sql("CREATE TABLE _alembic_tmp_post (id INTEGER)")
    runner = app.test_cli_runner()
    assert "_alembic_tmp_post, _alembic_tmp_user" in runner.invoke(args=["sqlite-report"]).output

    result = runner.invoke(args=["sqlite-report", "--drop-leftovers"])
    assert "Kept _alembic_tmp_post" in result.output
    assert set(sa.inspect(db.engine).get_table_names()) == {"user", "_alembic_tmp_post"}
    assert runner.invoke(args=["rows"]).output == "_alembic_tmp_post: 0\nuser: 1\n"
