"""The `flask seed` command."""

import sqlalchemy as sa

from app.extensions import db
from app.models import Post, User


def count(app, model):
    """Count a table's rows."""
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_seed_adds_users_and_posts(app, runner):
    result = runner.invoke(args=["seed", "--users", "4", "--posts", "10"])
    assert result.exit_code == 0, result.output
    assert "Added 4 users and 10 posts" in result.output
    assert count(app, User) == 4
    assert count(app, Post) == 10
    with app.app_context():
        assert db.session.scalar(sa.select(User).where(User.username == "sample0001")).check_password("password")


def test_seed_twice_adds_nothing_the_second_time(app, runner):
    runner.invoke(args=["seed", "--users", "4", "--posts", "10"])
    result = runner.invoke(args=["seed", "--users", "4", "--posts", "10"])
    assert result.exit_code == 0
    assert "Added 0 users and 0 posts" in result.output
    assert (count(app, User), count(app, Post)) == (4, 10)


def test_seed_tops_up_to_larger_numbers(app, runner):
    runner.invoke(args=["seed", "--users", "2", "--posts", "3"])
    result = runner.invoke(args=["seed", "--users", "3", "--posts", "5"])
    assert "Added 1 users and 2 posts" in result.output
    assert (count(app, User), count(app, Post)) == (3, 5)


def test_seed_refuses_nonsense_numbers_with_a_message(app, runner):
    result = runner.invoke(args=["seed", "--users", "0"])
    assert result.exit_code == 2
    assert "0 is not in the range x>=1" in result.output
    assert count(app, User) == 0
