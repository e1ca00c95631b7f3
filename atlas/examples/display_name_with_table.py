"""add user display_name, filled from username

Revision ID: 4a5b6c7d8e9f
Revises: f6c3a8e2b1d7
Create Date: 2026-11-25 12:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "4a5b6c7d8e9f"
down_revision = "f6c3a8e2b1d7"
branch_labels = None
depends_on = None

# The user table as this revision knows it: only the columns it reads or writes. Unlike the
# model in app/models.py, this never changes, so the revision does the same thing in ten years.
user = sa.table(
    "user",
    sa.column("username", sa.String),
    sa.column("display_name", sa.String),
)


def upgrade():
    with op.batch_alter_table("user") as batch_op:
        batch_op.add_column(sa.Column("display_name", sa.String(length=64), nullable=True))

    # One UPDATE that the database runs on every row; no row travels to Python and back.
    op.execute(user.update().values(display_name=user.c.username))


def downgrade():
    with op.batch_alter_table("user") as batch_op:
        batch_op.drop_column("display_name")
