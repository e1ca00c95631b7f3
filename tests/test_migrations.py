"""The migration history: every step up and down with rows in the tables, and the head equal to the models."""

from datetime import datetime

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from app.extensions import db
from tests.helpers import MIGRATIONS, REVISIONS, SCRIPTS, app_for, snapshot


@pytest.fixture
def sqlite_migration_app(tmp_path):
    """An app on an empty SQLite database, for checks of the exact SQLite schema."""
    app = app_for(f"sqlite:///{tmp_path / 'schema.sqlite'}")
    yield app
    with app.app_context():
        db.engine.dispose()


def columns_of(tables):
    return {(table, column) for table, columns in tables.items() for column in columns}


def assert_unowned_data_unchanged(before, after, owned):
    """Check that every column the step does not own holds exactly the values it held before."""
    for table, column in columns_of(before) - owned:
        assert after[table][column] == before[table][column], f"{table}.{column} changed"


def add_rows(tag):
    """Insert a user with two posts into whatever the schema is now, filling every column."""
    with db.engine.begin() as connection:
        metadata = sa.MetaData()
        metadata.reflect(connection, only=["user", "post"])
        user, post = metadata.tables["user"], metadata.tables["post"]
        user_values = {"username": f"user-{tag}", "email": f"{tag}@example.com", "password_hash": "hash"}
        if "dummy" in user.columns:
            user_values["dummy"] = f"d-{tag}"[:20]
        user_id = connection.execute(sa.insert(user).values(user_values)).inserted_primary_key[0]
        connection.execute(
            sa.insert(post),
            [
                {"body": f"post {n} at {tag}", "timestamp": datetime(2024, 2, 29, 12, 0, n, 123456), "user_id": user_id}
                for n in range(2)
            ],
        )


def table_names():
    return set(sa.inspect(db.engine).get_table_names())


def test_history_has_a_single_head():
    assert len(SCRIPTS.get_heads()) == 1


def test_stairway_up_and_down_keeps_every_row(engine_app):
    with engine_app.app_context():
        for step, revision in enumerate(REVISIONS):
            before = snapshot()
            upgrade(directory=MIGRATIONS, revision=revision)
            after_upgrade = snapshot()
            # A step owns the columns it adds or removes; their contents are its business.
            owned = columns_of(before) ^ columns_of(after_upgrade)
            assert_unowned_data_unchanged(before, after_upgrade, owned)

            downgrade(directory=MIGRATIONS, revision="-1")
            after_downgrade = snapshot()
            assert columns_of(after_downgrade) == columns_of(before), f"downgrade of {revision} left a different schema"
            assert_unowned_data_unchanged(before, after_downgrade, owned)

            upgrade(directory=MIGRATIONS, revision=revision)
            assert snapshot() == after_upgrade, f"second upgrade to {revision} differs from the first"

            add_rows(f"step{step}")

        assert [len(snapshot()[table]["id"]) for table in ("user", "post")] == [len(REVISIONS), 2 * len(REVISIONS)]
        downgrade(directory=MIGRATIONS, revision="base")
        assert table_names() == {"alembic_version"}


def test_models_match_the_head_revision(engine_app):
    with engine_app.app_context():
        upgrade(directory=MIGRATIONS)
        result = engine_app.test_cli_runner().invoke(args=["db", "check"])
        assert result.exit_code == 0, result.output


def test_db_check_notices_a_model_the_migrations_lack(engine_app):
    with engine_app.app_context():
        upgrade(directory=MIGRATIONS)
        extra = sa.Table("extra", db.metadata, sa.Column("id", sa.Integer, primary_key=True))
        try:
            result = engine_app.test_cli_runner().invoke(args=["db", "check"])
        finally:
            db.metadata.remove(extra)
        assert result.exit_code != 0


def test_head_schema_is_the_classic_user_and_post(sqlite_migration_app):
    with sqlite_migration_app.app_context():
        upgrade(directory=MIGRATIONS)
        inspector = sa.inspect(db.engine)

        def columns(table):
            return {
                c["name"]: (type(c["type"]).__name__, getattr(c["type"], "length", None), c["nullable"])
                for c in inspector.get_columns(table)
            }

        assert columns("user") == {
            "id": ("INTEGER", None, False),
            "username": ("VARCHAR", 64, True),
            "email": ("VARCHAR", 120, True),
            "password_hash": ("VARCHAR", 128, True),
            "session_token": ("VARCHAR", 32, True),
        }
        assert columns("post") == {
            "id": ("INTEGER", None, False),
            "body": ("VARCHAR", 140, True),
            "timestamp": ("DATETIME", None, True),
            "user_id": ("INTEGER", None, True),
        }
        unique_indexes = {i["name"]: i["column_names"] for i in inspector.get_indexes("user") if i["unique"]}
        assert unique_indexes == {"ix_user_username": ["username"], "ix_user_email": ["email"]}
        assert {i["name"] for i in inspector.get_indexes("post")} == {"ix_post_timestamp", "ix_post_user_id"}
        [foreign_key] = inspector.get_foreign_keys("post")
        assert (foreign_key["constrained_columns"], foreign_key["referred_table"], foreign_key["referred_columns"]) == (
            ["user_id"],
            "user",
            ["id"],
        )


def test_database_refuses_a_post_body_over_140_characters(engine_app):
    with engine_app.app_context():
        upgrade(directory=MIGRATIONS)
        insert = sa.text("INSERT INTO post (body) VALUES (:body)")
        with db.engine.begin() as connection:
            connection.execute(insert, {"body": "é" * 140})
        # PostgreSQL and MariaDB refuse by the VARCHAR length; SQLite, only by the CHECK constraint.
        refusal = "ck_post_body_length" if db.engine.dialect.name == "sqlite" else "too long"
        with pytest.raises(sa.exc.DBAPIError, match=refusal), db.engine.begin() as connection:
            connection.execute(insert, {"body": "x" * 141})
