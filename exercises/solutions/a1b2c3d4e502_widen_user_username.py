"""widen user username

Exercise 2. Model: `sa.String(80)` for User.username. The naive form,
`op.alter_column("user", "username", type_=sa.String(80))`, fails on every SQLite with
near "ALTER": syntax error; batch mode copies the table with the wider column instead.

Revision ID: a1b2c3d4e502
Revises: a1b2c3d4e501
Create Date: 2026-11-24 15:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

revision = "a1b2c3d4e502"
down_revision = "a1b2c3d4e501"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("user") as batch_op:
        batch_op.alter_column("username", existing_type=sa.String(length=64), type_=sa.String(length=80))


def downgrade():
    with op.batch_alter_table("user") as batch_op:
        batch_op.alter_column("username", existing_type=sa.String(length=80), type_=sa.String(length=64))
