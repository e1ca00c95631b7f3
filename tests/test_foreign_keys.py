"""Foreign keys: enforced for the app, and neither broken nor fired by a migration's table rebuild."""

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from app.extensions import db
from tests.helpers import HEAD, app_for, current_revision

REBUILD_USER = f"""
from alembic import op

revision = "f0000000aa01"
down_revision = "{HEAD}"


def upgrade():
    with op.batch_alter_table("user", recreate="always"):
        pass
"""
CASCADE_THEN_REBUILD_USER = f"""
from alembic import op

revision = "f0000000aa01"
down_revision = "{HEAD}"


def upgrade():
    with op.batch_alter_table("post") as batch_op:
        batch_op.drop_constraint("fk_post_user_id_user", type_="foreignkey")
        batch_op.create_foreign_key("fk_post_user_id_user", "user", ["user_id"], ["id"], ondelete="CASCADE")
    with op.batch_alter_table("user", recreate="always"):
        pass
"""
# Statements that break foreign keys, each in its own way, for a revision to run, and the
# first post row the refusal names.
BREAKERS = {
    "insert-an-orphan": ("INSERT INTO post (id, body, user_id) VALUES (9999, 'orphan', 424242)", 9999),
    "delete-a-parent": ("DELETE FROM user WHERE id IN (SELECT user_id FROM post)", 1),
    "drop-the-parent-table": ("DROP TABLE user", 1),
    "add-a-column-whose-default-points-nowhere": (
        "ALTER TABLE post ADD COLUMN editor_id INTEGER REFERENCES user (id) DEFAULT 424242",
        1,
    ),
}
BREAKING_REVISION = f"""
from alembic import op

revision = "f0000000aa01"
down_revision = "{HEAD}"


def upgrade():
    op.execute({{statement!r}})
"""
# The same statement twice, the second time with a user that does not exist. SQLite reuses
# the statement it compiled for the first revision when the second one runs it.
ADD_POST = """
from alembic import op

revision = "{revision}"
down_revision = "{down_revision}"


def upgrade():
    op.get_bind().exec_driver_sql("INSERT INTO post (body, user_id) VALUES (?, ?)", ("hello", {user_id}))
"""


@pytest.fixture
def seeded(tmp_path, migrations):
    """An app at the head revision with sample rows, and a migrations copy to add a revision to."""
    app = app_for(f"sqlite:///{tmp_path / 'fk.sqlite'}")
    with app.app_context():
        upgrade(directory=str(migrations))
        app.test_cli_runner().invoke(args=["seed", "--users", "5", "--posts", "20"])
    yield app, migrations
    with app.app_context():
        db.engine.dispose()


def add_revision(directory, source, revision="f0000000aa01"):
    (directory / "versions" / f"{revision}_test_revision.py").write_text(source)


def post_count():
    return db.session.scalar(sa.text("SELECT count(*) FROM post"))


def test_the_app_enforces_foreign_keys(seeded):
    app, _ = seeded
    with app.app_context():
        with db.engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        with pytest.raises(sa.exc.IntegrityError, match="FOREIGN KEY constraint failed"):
            db.session.execute(sa.text("INSERT INTO post (body, user_id) VALUES ('x', 424242)"))
        db.session.rollback()


@pytest.mark.parametrize("revision", [REBUILD_USER, CASCADE_THEN_REBUILD_USER], ids=["plain", "on-delete-cascade"])
def test_rebuilding_user_keeps_every_post(seeded, revision):
    app, directory = seeded
    with app.app_context():
        add_revision(directory, revision)
        upgrade(directory=str(directory))
        assert current_revision() == "f0000000aa01"
        assert post_count() == 20
        # Enforcement is back on for the app's own connections afterwards.
        with db.engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


@pytest.mark.parametrize(("statement", "row"), BREAKERS.values(), ids=BREAKERS.keys())
def test_a_revision_that_breaks_foreign_keys_is_rolled_back_with_the_rows_named(seeded, capsys, statement, row):
    app, directory = seeded
    with app.app_context():
        add_revision(directory, BREAKING_REVISION.format(statement=statement))
        with pytest.raises(SystemExit):
            upgrade(directory=str(directory))
        message = f"Rolled back the whole run: f0000000aa01 breaks foreign keys: post row {row} (no such user)"
        assert message in capsys.readouterr().err
        assert current_revision() == HEAD
        assert post_count() == 20
        assert "editor_id" not in {column["name"] for column in sa.inspect(db.engine).get_columns("post")}


def test_a_statement_run_again_by_a_later_revision_is_checked_again(seeded, capsys):
    app, directory = seeded
    with app.app_context():
        add_revision(directory, ADD_POST.format(revision="f0000000aa01", down_revision=HEAD, user_id=1))
        add_revision(
            directory,
            ADD_POST.format(revision="f0000000aa02", down_revision="f0000000aa01", user_id=424242),
            revision="f0000000aa02",
        )
        with pytest.raises(SystemExit):
            upgrade(directory=str(directory))
        message = "Rolled back the whole run: f0000000aa02 breaks foreign keys: post row 22 (no such user)"
        assert message in capsys.readouterr().err
        # On SQLite the run is one transaction: the revision before the broken one goes too.
        assert current_revision() == HEAD
        assert post_count() == 20
