"""add user post_count

Exercise 4. Model: `post_count: so.Mapped[int | None] = so.mapped_column()` on User.
A data migration: the schema change alone would leave every count empty, so the upgrade
fills the new column from the rows already there.

Revision ID: a1b2c3d4e504
Revises: a1b2c3d4e503
Create Date: 2026-11-24 15:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

revision = "a1b2c3d4e504"
down_revision = "a1b2c3d4e503"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("user") as batch_op:
        batch_op.add_column(sa.Column("post_count", sa.Integer(), nullable=True))
    # One statement for every user: the counting happens inside the database, not in Python.
    op.execute('UPDATE "user" SET post_count = (SELECT count(*) FROM post WHERE post.user_id = "user".id)')


def downgrade():
    with op.batch_alter_table("user") as batch_op:
        batch_op.drop_column("post_count")
