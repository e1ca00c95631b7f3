"""Make tables the way last year's app did, with create_all(), before users had an email.

Usage: python atlas/already-exists/old_tables.py DATABASE_URL
"""

import sys

import sqlalchemy as sa

metadata = sa.MetaData()
sa.Table(
    "user",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("username", sa.String(64), index=True, unique=True),
    sa.Column("password_hash", sa.String(128)),
)
sa.Table(
    "post",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("body", sa.String(140)),
    sa.Column("timestamp", sa.DateTime, index=True),
    sa.Column("user_id", sa.ForeignKey("user.id"), index=True),
)

if __name__ == "__main__":
    metadata.create_all(sa.create_engine(sys.argv[1]))
