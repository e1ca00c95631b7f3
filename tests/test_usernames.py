"""Usernames that are URLs, or that look like someone else's, are refused the same way on every engine."""

import uuid

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from app.extensions import db
from app.models import Post, User
from tests.helpers import MIGRATIONS, current_revision, submit

RULES = "d4b7f1a9c2e5"
BEFORE_RULES = "e2a9d4f6b813"
# Each would be a second "alice" on some engine, or a profile link that leads elsewhere.
POSERS = ["Alice", "alice ", " alice", "ALICE", "ali\u200bce", "alic\u0435", "//alice", "..", ".", "a/b", "a b", ""]


def add_user(name):
    """Insert a user straight into the table, past the form, as a script or another app could."""
    with db.engine.begin() as connection:
        connection.execute(sa.insert(User.__table__).values(username=name, email=f"{uuid.uuid4().hex}@x.org"))


@pytest.mark.parametrize("name", POSERS)
def test_the_database_refuses_a_username_outside_the_rule(engine_app, name):
    with engine_app.app_context():
        upgrade(directory=MIGRATIONS)
        add_user("alice")
        with pytest.raises(sa.exc.DBAPIError):
            add_user(name)


def test_the_rule_takes_lowercase_letters_digits_hyphens_and_underscores(engine_app):
    with engine_app.app_context():
        upgrade(directory=MIGRATIONS)
        for name in ("alice", "bob_2", "carol-smith", "x" * 64):
            add_user(name)
        assert db.session.scalar(sa.select(sa.func.count(User.id))) == 4


def test_the_revision_names_the_usernames_that_break_the_rule_and_changes_nothing(engine_app, capsys):
    with engine_app.app_context():
        upgrade(directory=MIGRATIONS, revision=BEFORE_RULES)
        # (MariaDB would refuse "Alice" beside "alice" already: its unique index ignores case.)
        for name in ("alice", "Bob", "//victim"):
            add_user(name)
        with pytest.raises(SystemExit):
            upgrade(directory=MIGRATIONS)
        message = capsys.readouterr().err
        assert "2 usernames break the new rule (lowercase letters, digits, - and _): '//victim', 'Bob'" in message
        assert current_revision() == BEFORE_RULES
        # Renamed, they pass, and the upgrade goes through.
        users = User.__table__
        with db.engine.begin() as connection:
            for old, new in (("Bob", "bob"), ("//victim", "victim")):
                connection.execute(sa.update(users).where(users.c.username == old).values(username=new))
        upgrade(directory=MIGRATIONS)
        assert current_revision() != BEFORE_RULES


@pytest.mark.parametrize("path", ["/user/ALICE", "/user/alice%20", "/user/Alice", "/user/ali%E2%80%8Bce", "/user/.."])
def test_a_profile_address_of_a_name_no_one_can_have_is_not_found_on_any_engine(engine_app, path):
    with engine_app.app_context():
        upgrade(directory=MIGRATIONS)
        add_user("alice")
        with db.engine.begin() as connection:
            user_id = connection.scalar(sa.select(User.id))
            connection.execute(sa.insert(Post.__table__).values(body="hello", user_id=user_id))
    client = engine_app.test_client()
    assert client.get("/user/alice").status_code == 200
    assert client.get(path).status_code == 404


@pytest.mark.parametrize("name", ["Alice", "//victim", "..", "ali ce", "ali\u200bce"])
def test_registration_refuses_a_username_outside_the_rule_with_a_message(app, client, name):
    data = {"username": name, "email": "new@example.com", "password": "pw", "password2": "pw"}
    response = submit(client, "/auth/register", data)
    assert response.status_code == 200
    assert "Use only lowercase letters, digits, - and _ in a username." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(User.id))) == 0
