"""How the same history behaves on SQLite, PostgreSQL and MariaDB."""

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from app.extensions import db
from app.models import Post
from tests.helpers import HEAD, MIGRATIONS, current_revision, find_servers, statements_run

# A revision whose first step works and whose second cannot, on every engine.
HALF_FAILING_REVISION = """
import sqlalchemy as sa
from alembic import op

revision = "fa11ed000001"
down_revision = "{head}"


def upgrade():
    with op.batch_alter_table("user") as batch_op:
        batch_op.add_column(sa.Column("note", sa.String(length=40)))
    op.execute("UPDATE post SET no_such_column = 1")
"""


def test_batch_step_copies_the_table_only_on_sqlite(engine_app):
    with engine_app.app_context():
        upgrade(directory=MIGRATIONS, revision="7c1e5b9d0a34")
        with statements_run() as seen:
            upgrade(directory=MIGRATIONS, revision="e2a9d4f6b813")
        schema_changes = [s for s in seen if not s.startswith(("UPDATE alembic_version", "BEGIN"))]
        if db.engine.dialect.name == "sqlite":
            assert schema_changes[0].startswith("CREATE TABLE _alembic_tmp_post")
            assert "ALTER TABLE _alembic_tmp_post RENAME TO post" in schema_changes
        else:
            assert len(schema_changes) == 1, schema_changes
            assert schema_changes[0].startswith("ALTER TABLE post ADD CONSTRAINT ck_post_body_length CHECK")
            assert not any("_alembic_tmp_" in statement for statement in seen)


def test_what_a_failed_migration_leaves_behind_on_each_engine(engine_app, migrations):
    (migrations / "versions" / "fa11ed000001_half_failing.py").write_text(HALF_FAILING_REVISION.format(head=HEAD))
    with engine_app.app_context():
        upgrade(directory=str(migrations), revision=HEAD)

        with pytest.raises(sa.exc.DBAPIError):
            upgrade(directory=str(migrations))

        columns = {column["name"] for column in sa.inspect(db.engine).get_columns("user")}
        assert current_revision() == HEAD
        if db.engine.dialect.name == "mysql":
            # MariaDB commits each DDL statement on its own: the new column stayed.
            assert "note" in columns
        else:
            # PostgreSQL's DDL is transactional, and env.py makes SQLite's so: nothing stayed.
            assert "note" not in columns


def test_a_missing_server_names_its_variable(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.delenv("TEST_MARIADB_URL", raising=False)
    assert find_servers({"mariadb"}) == (
        {},
        ["mariadb tests need TEST_MARIADB_URL, e.g. TEST_MARIADB_URL=mysql+pymysql://root@127.0.0.1:3306/test"],
    )


def test_a_missing_server_fails_under_ci(monkeypatch):
    monkeypatch.setenv("CI", "true")
    monkeypatch.setenv("TEST_POSTGRES_URL", "postgresql://nobody@127.0.0.1:1/nothing")
    with pytest.raises(pytest.fail.Exception, match="CI must run every engine test: postgres at TEST_POSTGRES_URL"):
        find_servers({"postgres"})


def test_post_times_are_stored_in_utc_whatever_the_servers_time_zone(engine_app):
    with engine_app.app_context():
        if db.engine.dialect.name == "postgresql":
            # Far from UTC, so that a shift shows. New connections take the database's setting.
            with db.engine.connect() as connection:
                name = connection.exec_driver_sql("SELECT current_database()").scalar()
                connection.exec_driver_sql(f"ALTER DATABASE {name} SET timezone TO 'Pacific/Kiritimati'")
                connection.commit()
            db.engine.dispose()
        upgrade(directory=MIGRATIONS)
        before = datetime.now(UTC).replace(tzinfo=None, microsecond=0)
        db.session.add(Post(body="what time is it?"))
        db.session.commit()
        db.session.expire_all()
        stored = db.session.scalar(sa.select(Post.timestamp))
        assert before <= stored <= before + timedelta(minutes=1), f"stored {stored}, UTC now {before}"
