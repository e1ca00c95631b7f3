"""add user dummy

A learner adds a throwaway column to try migrations out. The downgrade is the step
that failed on SQLite before 3.35 when it was written as a plain op.drop_column();
batch mode works on every SQLite (TUTORIAL.md, chapter 3).

Revision ID: 60e4d26fe43c
Revises: fb762c06d798
Create Date: 2026-11-24 13:46:31.472960

"""

import sqlite3

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "60e4d26fe43c"
down_revision = "fb762c06d798"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("user") as batch_op:
        batch_op.add_column(sa.Column("dummy", sa.String(length=20), nullable=True))


def downgrade():
    if not dropped_in_place("user", "dummy"):
        # Batch mode: on SQLite, copy the table without the column and swap the copy in;
        # on other databases, a plain ALTER TABLE ... DROP COLUMN.
        with op.batch_alter_table("user") as batch_op:
            batch_op.drop_column("dummy")


def dropped_in_place(table, column):
    """Let SQLite drop the column itself, if it can, and tell whether it did.

    Batch mode copies every row to drop one column. SQLite 3.35.5 and newer can drop it in
    place, about three times faster, unless something depends on it (a key, an index, a
    view, a trigger, a CHECK); then SQLite refuses, the savepoint undoes the attempt, and
    batch mode does the work. Offline (`--sql`) there is no database to ask, so: batch.
    """
    context = op.get_context()
    if context.dialect.name != "sqlite" or context.as_sql or sqlite3.sqlite_version_info < (3, 35, 5):
        return False
    savepoint = op.get_bind().begin_nested()
    try:
        op.drop_column(table, column)
    except sa.exc.OperationalError:
        savepoint.rollback()
        return False
    savepoint.commit()
    return True
