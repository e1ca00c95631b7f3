"""add user about_me

Exercise 1. Model: `about_me: so.Mapped[str | None] = so.mapped_column(sa.String(140))` on User.
Adding a nullable column is one of the few changes SQLite makes in place, so the rows stay put.

Revision ID: a1b2c3d4e501
Revises: f6c3a8e2b1d7
Create Date: 2026-11-24 15:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

revision = "a1b2c3d4e501"
down_revision = "f6c3a8e2b1d7"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("user") as batch_op:
        batch_op.add_column(sa.Column("about_me", sa.String(length=140), nullable=True))


def downgrade():
    with op.batch_alter_table("user") as batch_op:
        batch_op.drop_column("about_me")
