"""The `flask seed` command: sample users and posts to migrate."""

import sys
from datetime import timedelta
from itertools import islice

import click
import sqlalchemy as sa
from flask.cli import with_appcontext

from app.extensions import db
from app.models import Post, User, hash_password, utc_now

SAMPLE_PASSWORD = "password"
# Rows made and sent at a time. Large enough that the driver's own bulk insert does the work,
# small enough that memory stays flat however many posts are asked for. 10,000 names also fit
# in one IN (...): SQLite since 3.32 takes 32,766 parameters.
BATCH = 10_000


def sample_username(number):
    """Name the sample user with this number, so a second run finds the same users."""
    return f"sample{number:04d}"


def batches(items, size=BATCH):
    """Yield lists of at most `size` items, so that no list grows with the whole run."""
    items = iter(items)
    while batch := list(islice(items, size)):
        yield batch


def sample_post(number, authors, start):
    """Make the sample post with this number, by the author whose turn it is."""
    author = authors[number % len(authors)]
    # A microsecond apart: the timeline shows them in order, with no ties to page through.
    timestamp = start + timedelta(microseconds=number)
    return {"body": f"Sample post {number} by {author.username}", "timestamp": timestamp, "user_id": author.id}


def add_users(count):
    """Add the sample users that are missing; return how many were added and (id, username) of all `count`."""
    # Every sample user shares one hash: hashing is slow on purpose, and they share a password anyway.
    password_hash = hash_password(SAMPLE_PASSWORD)
    added, authors = 0, []
    for names in batches(sample_username(n) for n in range(1, count + 1)):
        existing = set(db.session.scalars(sa.select(User.username).where(User.username.in_(names))))
        missing = [
            {"username": name, "email": f"{name}@example.com", "password_hash": password_hash}
            for name in names
            if name not in existing
        ]
        if missing:
            db.session.execute(sa.insert(User), missing)
        added += len(missing)
        authors += db.session.execute(
            sa.select(User.id, User.username).where(User.username.in_(names)).order_by(User.id)
        ).all()
    return added, authors


def add_posts(count, authors):
    """Add posts by the sample authors until they have `count`; return how many were added."""
    have = sum(
        db.session.scalar(sa.select(sa.func.count(Post.id)).where(Post.user_id.in_([a.id for a in some])))
        for some in batches(authors)
    )
    numbers, start = range(have + 1, count + 1), utc_now()
    # A bar when there is a wait to see, on stderr, which is for messages to the person waiting.
    # Only on a terminal: elsewhere (a pipe, a log, a test) click would still print the label once.
    quiet = len(numbers) <= BATCH or not sys.stderr.isatty()
    with click.progressbar(length=len(numbers), label="Adding posts", file=sys.stderr, hidden=quiet) as bar:
        for batch in batches(numbers):
            insert_posts([sample_post(n, authors, start) for n in batch])
            bar.update(len(batch))
    return len(numbers)


def insert_posts(rows):
    """Send a batch of posts by the fastest path the database's driver has, in the session's transaction."""
    connection = db.session.connection()
    if connection.dialect.driver == "psycopg":
        # PostgreSQL's COPY streams the rows, with no statement for each: twice as fast as INSERT.
        with connection.connection.cursor().copy("COPY post (body, timestamp, user_id) FROM STDIN") as copy:
            for row in rows:
                copy.write_row((row["body"], row["timestamp"], row["user_id"]))
    elif connection.dialect.name == "sqlite":
        # sqlite3's own executemany, given each time as the text SQLAlchemy would store: SQLAlchemy's
        # work on every row's parameters takes longer than SQLite takes to insert the row.
        connection.exec_driver_sql(
            "INSERT INTO post (body, timestamp, user_id) VALUES (?, ?, ?)",
            [(row["body"], row["timestamp"].isoformat(" ", "microseconds"), row["user_id"]) for row in rows],
        )
    else:
        # On a connection, a list of rows is one executemany: the driver's own bulk path, without
        # the bookkeeping for each row that the session's bulk insert adds.
        connection.execute(sa.insert(Post), rows)


@click.command("seed")
@click.option("--users", default=10, show_default=True, type=click.IntRange(min=1), help="Sample users to have.")
@click.option("--posts", default=30, show_default=True, type=click.IntRange(min=0), help="Sample posts to have.")
@with_appcontext
def seed(users, posts):
    """Fill the database with sample users and posts; running it again adds only what is missing."""
    # One transaction: an interrupted run adds nothing, and the next run starts over cleanly.
    added_users, authors = add_users(users)
    added_posts = add_posts(posts, authors)
    db.session.commit()
    click.echo(f"Added {added_users} users and {added_posts} posts.")
    click.echo(f"Every sample user's password is {SAMPLE_PASSWORD!r}.")
