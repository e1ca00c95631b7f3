"""rename user about_me to bio

Exercise 3. Model: rename the attribute `about_me` to `bio`. Autogenerate cannot tell a
rename from a drop and an add, so it writes drop_column("about_me") and add_column("bio"),
which throws every text away. The reviewed script renames instead.

Revision ID: a1b2c3d4e503
Revises: a1b2c3d4e502
Create Date: 2026-11-24 15:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

revision = "a1b2c3d4e503"
down_revision = "a1b2c3d4e502"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("user") as batch_op:
        batch_op.alter_column("about_me", new_column_name="bio", existing_type=sa.String(length=140))


def downgrade():
    with op.batch_alter_table("user") as batch_op:
        batch_op.alter_column("bio", new_column_name="about_me", existing_type=sa.String(length=140))
