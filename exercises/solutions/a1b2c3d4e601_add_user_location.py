"""add user location

Exercise 6, first student's branch. Model: `location: so.Mapped[str | None] = so.mapped_column(sa.String(64))`
on User. Written on the branch `location`, on top of whatever head the branch started from.

Revision ID: a1b2c3d4e601
Revises: a1b2c3d4e504
Create Date: 2026-11-24 16:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

revision = "a1b2c3d4e601"
down_revision = "a1b2c3d4e504"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("user") as batch_op:
        batch_op.add_column(sa.Column("location", sa.String(length=64), nullable=True))


def downgrade():
    with op.batch_alter_table("user") as batch_op:
        batch_op.drop_column("location")
