"""rename password hash

Autogenerate wrote an add_column and a drop_column, which would lose every hash. Reviewed: both
directions rename the column instead, which keeps its values.

Revision ID: 0a1b2c3d4e5f
Revises: f6c3a8e2b1d7
Create Date: 2026-12-06 10:00:00.000000

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0a1b2c3d4e5f"
down_revision = "f6c3a8e2b1d7"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.alter_column("password_hash", new_column_name="password_digest")


def downgrade():
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.alter_column("password_digest", new_column_name="password_hash")
