"""add post language

Exercise 6, second student's branch. Model: `language: so.Mapped[str | None] = so.mapped_column(sa.String(5))`
on Post. Written on the branch `language`, from the same head as a1b2c3d4e601, so after
`git merge` the history has two heads.

Revision ID: a1b2c3d4e602
Revises: a1b2c3d4e504
Create Date: 2026-11-24 16:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

revision = "a1b2c3d4e602"
down_revision = "a1b2c3d4e504"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("post") as batch_op:
        batch_op.add_column(sa.Column("language", sa.String(length=5), nullable=True))


def downgrade():
    with op.batch_alter_table("post") as batch_op:
        batch_op.drop_column("language")
