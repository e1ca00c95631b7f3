"""add user karma

Revision ID: f1e2d3c4b5a6
Revises: f6c3a8e2b1d7
Create Date: 2026-11-25 15:31:02.988076

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "f1e2d3c4b5a6"
down_revision = "f6c3a8e2b1d7"
branch_labels = None
depends_on = None


def upgrade():
    # The model's default=0 is applied by SQLAlchemy when the app inserts a row; the
    # database never hears of it. server_default is part of the column itself, so the
    # database fills in 0 for the rows it already has.
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.add_column(sa.Column("karma", sa.Integer(), nullable=False, server_default="0"))


def downgrade():
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.drop_column("karma")
