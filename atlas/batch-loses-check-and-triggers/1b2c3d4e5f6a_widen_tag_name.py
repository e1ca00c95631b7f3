"""widen tag name

Revision ID: 1b2c3d4e5f6a
Revises: 0a1b2c3d4e5f
Create Date: 2026-11-25 10:05:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "1b2c3d4e5f6a"
down_revision = "0a1b2c3d4e5f"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("tag") as batch_op:
        batch_op.alter_column("name", existing_type=sa.String(20), type_=sa.String(40), existing_nullable=False)


def downgrade():
    with op.batch_alter_table("tag") as batch_op:
        batch_op.alter_column("name", existing_type=sa.String(40), type_=sa.String(20), existing_nullable=False)
