"""create tag

A feature branch's revision for atlas/cant-locate-revision.md: it adds a table for tags.
The page applies it, then switches to a branch where this file does not exist.

Revision ID: 4b5c6d7e8f90
Revises: f6c3a8e2b1d7
Create Date: 2026-11-25 16:02:11.408215

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "4b5c6d7e8f90"
down_revision = "f6c3a8e2b1d7"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "tag",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tag")),
    )


def downgrade():
    op.drop_table("tag")
