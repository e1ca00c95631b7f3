"""The User and Post tables, as the migration history builds them."""

import re
import secrets
from datetime import UTC, datetime

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import current_app
from flask_login import UserMixin
from werkzeug.security import check_password_hash, generate_password_hash

from app.extensions import db, login

# What a username may hold: it is part of a URL, and two names must not look alike. The
# database enforces it too (migrations/versions/d4b7f1a9c2e5_enforce_username_rules.py).
USERNAME = re.compile(r"[a-z0-9_-]+\Z")
# The same rule as a CHECK, in each engine's own words: there is no pattern syntax they share.
USERNAME_CHECKS = {
    "sqlite": "username NOT GLOB '*[^a-z0-9_-]*' AND username <> ''",
    "postgresql": "username ~ '^[a-z0-9_-]+$'",
    # MariaDB compares text without regard to case unless it is cast to bytes.
    "mysql": "CAST(username AS BINARY) REGEXP '^[a-z0-9_-]+$'",
}
# SQLAlchemy names the dialect "mysql" for mysql+pymysql:// URLs and "mariadb" for mariadb+pymysql://.
USERNAME_CHECKS["mariadb"] = USERNAME_CHECKS["mysql"]


def hash_password(password):
    """Hash a password with the app's PASSWORD_HASH_METHOD, so that it fits password_hash, VARCHAR(128)."""
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def utc_now():
    """Return the current time in UTC; a function, so every row gets its own time."""
    # The column is a plain DateTime, which holds no time zone. Given an aware time,
    # PostgreSQL would convert it to the server's zone before dropping the zone, so
    # the app stores UTC without its zone, the same on every engine.
    return datetime.now(UTC).replace(tzinfo=None)


class User(UserMixin, db.Model):
    """Someone who can log in and write posts."""

    # One CHECK, written for whichever engine creates the table.
    __table_args__ = tuple(
        sa.CheckConstraint(check, name="username_chars").ddl_if(dialect=dialect)
        for dialect, check in USERNAME_CHECKS.items()
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    username: so.Mapped[str | None] = so.mapped_column(sa.String(64), index=True, unique=True)
    email: so.Mapped[str | None] = so.mapped_column(sa.String(120), index=True, unique=True)
    password_hash: so.Mapped[str | None] = so.mapped_column(sa.String(128))
    # Part of every session and remember-me cookie; a new one ends them all (see get_id).
    session_token: so.Mapped[str | None] = so.mapped_column(sa.String(32))

    posts: so.WriteOnlyMapped["Post"] = so.relationship(back_populates="author")

    def set_password(self, password):
        """Store a salted hash of the password, never the password itself."""
        self.password_hash = hash_password(password)

    def get_id(self):
        """Name the user in session cookies by id and session token, so a new token ends every session."""
        return f"{self.id}:{self.session_token}"

    def new_session_token(self):
        """Give the user a new session token, which ends every session and remember-me cookie they have."""
        self.session_token = secrets.token_hex(16)

    def check_password(self, password):
        """Tell whether the password matches the stored hash."""
        return self.password_hash is not None and check_password_hash(self.password_hash, password)

    def __repr__(self):
        return f"<User {self.username}>"


class Post(db.Model):
    """A short message written by a user."""

    # SQLite does not enforce VARCHAR lengths, so the limit the form checks is also a CHECK
    # constraint. char_length counts characters on every engine (SQLAlchemy writes length() on SQLite).
    __table_args__ = (sa.CheckConstraint(sa.func.char_length(sa.column("body")) <= 140, name="body_length"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    body: so.Mapped[str | None] = so.mapped_column(sa.String(140))
    timestamp: so.Mapped[datetime | None] = so.mapped_column(index=True, default=utc_now)
    user_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey(User.id), index=True)

    author: so.Mapped[User | None] = so.relationship(back_populates="posts")

    def __repr__(self):
        return f"<Post {self.body}>"


@login.user_loader
def load_user(user_id):
    """Find the logged-in user from the "id:token" Flask-Login keeps in the cookie, if the token still holds."""
    id_, _, token = user_id.partition(":")
    user = db.session.get(User, int(id_)) if id_.isdecimal() else None
    if user is None or user.session_token is None or not secrets.compare_digest(user.session_token, token):
        return None
    return user
