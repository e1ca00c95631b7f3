"""add user dummy

EXHIBIT: the naive revision of the same id (exhibits/naive/versions/) after review,
with both operations in batch mode, as the answers to the 2020 question advised.

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
    # On SQLite, batch mode builds a copy of the table without the column, moves the
    # rows across and swaps the copy in; every SQLite version can do that.
    with op.batch_alter_table("user") as batch_op:
        batch_op.drop_column("dummy")
