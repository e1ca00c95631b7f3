"""The `flask seed` command: sample users and posts to migrate."""

import click
import sqlalchemy as sa
from flask.cli import with_appcontext

from app.extensions import db
from app.models import Post, User, hash_password

SAMPLE_PASSWORD = "password"


def sample_username(number):
    """Name the sample user with this number, so a second run finds the same users."""
    return f"sample{number:04d}"


@click.command("seed")
@click.option("--users", default=10, show_default=True, type=click.IntRange(min=1), help="Sample users to have.")
@click.option("--posts", default=30, show_default=True, type=click.IntRange(min=0), help="Sample posts to have.")
@with_appcontext
def seed(users, posts):
    """Fill the database with sample users and posts; running it again adds only what is missing."""
    wanted = [sample_username(n) for n in range(1, users + 1)]
    existing = set(db.session.scalars(sa.select(User.username).where(User.username.in_(wanted))))
    # Every sample user shares one hash: hashing is slow on purpose, and they share a password anyway.
    password_hash = hash_password(SAMPLE_PASSWORD)
    new_users = [
        {"username": name, "email": f"{name}@example.com", "password_hash": password_hash}
        for name in wanted
        if name not in existing
    ]
    if new_users:
        db.session.execute(sa.insert(User), new_users)

    authors = db.session.execute(sa.select(User.id, User.username).where(User.username.in_(wanted))).all()
    have = db.session.scalar(
        sa.select(sa.func.count(Post.id)).where(Post.user_id.in_([author.id for author in authors]))
    )
    new_posts = []
    for n in range(have + 1, posts + 1):
        author = authors[n % len(authors)]
        new_posts.append({"body": f"Sample post {n} by {author.username}", "user_id": author.id})
    if new_posts:
        db.session.execute(sa.insert(Post), new_posts)
    db.session.commit()
    click.echo(f"Added {len(new_users)} users and {len(new_posts)} posts.")
    click.echo(f"Every sample user's password is {SAMPLE_PASSWORD!r}.")
