"""add user dummy

A learner adds a throwaway column to try migrations out. The downgrade is the step
that failed on SQLite before 3.35 when it was written as a plain op.drop_column();
batch mode works on every SQLite (TUTORIAL.md, "Replaying the 2020 downgrade").

Revision ID: 60e4d26fe43c
Revises: fb762c06d798
Create Date: 2026-11-24 13:46:31.472960

"""

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
    with op.batch_alter_table("user") as batch_op:
        batch_op.drop_column("dummy")
