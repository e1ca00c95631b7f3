"""add user about_me, widen dummy

EXHIBIT: the naive revision of the same id (exhibits/naive/versions/) after review.
Inside one batch block, SQLite gets a single copy of the table with both changes,
which every SQLite version can do.

Revision ID: b3c8e1d94f27
Revises: 60e4d26fe43c
Create Date: 2026-11-24 14:30:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "b3c8e1d94f27"
down_revision = "60e4d26fe43c"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("user") as batch_op:
        batch_op.add_column(sa.Column("about_me", sa.String(length=140), nullable=True))
        batch_op.alter_column("dummy", existing_type=sa.String(length=20), type_=sa.String(length=40))


def downgrade():
    # Written so that it also undoes a half-applied upgrade: batch mode copies whatever
    # table it finds, so it works whether dummy was widened yet or not.
    with op.batch_alter_table("user") as batch_op:
        batch_op.alter_column("dummy", existing_type=sa.String(length=40), type_=sa.String(length=20))
        batch_op.drop_column("about_me")
