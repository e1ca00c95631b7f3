"""The exhibits: naive revisions that fail, their batch forms that work, and the way back."""

import shutil
import sqlite3
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, stamp, upgrade

from app.extensions import db
from tests.helpers import HEAD, ROOT, TYPE_CHANGE_ERROR, app_for, current_revision

RUNNING = sqlite3.sqlite_version_info
SHIPPED, NAIVE, FIXED = (str(ROOT / path) for path in ("migrations", "exhibits/naive", "exhibits/fixed"))


@pytest.fixture
def seeded_at_dummy(tmp_path):
    """A database with sample rows, taken by the shipped history to the revision that added dummy."""
    app = app_for(f"sqlite:///{tmp_path / 'exhibit.sqlite'}")
    with app.app_context():
        upgrade(directory=SHIPPED)
        app.test_cli_runner().invoke(args=["seed", "--users", "5", "--posts", "12"])
        downgrade(directory=SHIPPED, revision="60e4d26fe43c")
        yield app
        db.engine.dispose()


def user_columns():
    return [column["name"] for column in sa.inspect(db.engine).get_columns("user")]


def rows():
    with db.engine.connect() as connection:
        users = connection.execute(sa.text('SELECT id, username, email, password_hash FROM "user" ORDER BY id')).all()
        posts = connection.execute(sa.text("SELECT * FROM post ORDER BY id")).all()
    return users, posts


@pytest.mark.skipif(RUNNING < (3, 35, 0), reason="SQLite drops a column itself only from 3.35.0")
def test_naive_dummy_downgrade_works_from_sqlite_3_35(seeded_at_dummy):
    before = rows()
    downgrade(directory=NAIVE)
    assert "dummy" not in user_columns()
    assert rows() == before


@pytest.mark.skipif(RUNNING >= (3, 35, 0), reason="the 2020 error happens only on SQLite older than 3.35.0")
def test_naive_dummy_downgrade_fails_with_the_2020_error_before_sqlite_3_35(seeded_at_dummy):
    before = rows()
    with pytest.raises(sa.exc.OperationalError, match='near "DROP": syntax error'):
        downgrade(directory=NAIVE)
    assert current_revision() == "60e4d26fe43c"
    assert rows() == before


def test_fixed_dummy_downgrade_works_on_the_same_database(seeded_at_dummy):
    before = rows()
    downgrade(directory=FIXED)
    assert current_revision() == "fb762c06d798"
    assert "dummy" not in user_columns()
    assert rows() == before


def test_naive_type_change_is_left_half_applied_by_the_old_env(seeded_at_dummy):
    with pytest.raises(sa.exc.OperationalError, match=TYPE_CHANGE_ERROR):
        upgrade(directory=NAIVE)
    # The column was committed before the type change failed; the version was not moved.
    assert current_revision() == "60e4d26fe43c"
    assert "about_me" in user_columns()
    with pytest.raises(sa.exc.OperationalError, match="duplicate column name: about_me"):
        upgrade(directory=NAIVE)


def test_stamp_then_fixed_downgrade_recovers_without_losing_a_row(seeded_at_dummy):
    before = rows()
    with pytest.raises(sa.exc.OperationalError):
        upgrade(directory=NAIVE)

    stamp(directory=FIXED, revision="b3c8e1d94f27")
    downgrade(directory=FIXED)
    assert current_revision() == "60e4d26fe43c"
    assert user_columns() == ["id", "username", "email", "password_hash", "dummy"]
    assert rows() == before

    upgrade(directory=FIXED)
    dummy = next(c for c in sa.inspect(db.engine).get_columns("user") if c["name"] == "dummy")
    assert (dummy["type"].length, "about_me" in user_columns()) == (40, True)
    assert rows() == before


def test_back_to_the_shipped_history_with_every_row(seeded_at_dummy):
    before = rows()
    upgrade(directory=FIXED)
    downgrade(directory=FIXED, revision="60e4d26fe43c")
    upgrade(directory=SHIPPED)
    assert current_revision() == HEAD
    assert rows() == before


def test_our_env_leaves_nothing_behind_when_the_same_revision_fails(seeded_at_dummy, tmp_path):
    # The naive revisions, run by the project's transactional env.py instead of the old one.
    directory = tmp_path / "ours"
    shutil.copytree(NAIVE, directory)
    shutil.copy(Path(SHIPPED) / "env.py", directory / "env.py")
    with pytest.raises(sa.exc.OperationalError, match=TYPE_CHANGE_ERROR):
        upgrade(directory=str(directory))
    assert current_revision() == "60e4d26fe43c"
    assert "about_me" not in user_columns()
