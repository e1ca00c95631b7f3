"""widen tag name

Batch mode rebuilds tag on SQLite. The rebuild keeps only what Alembic can name: the table's
unnamed CHECK would be left out, and SQLite drops the table's trigger with the old table.
So the CHECK is restated, with a name, and the trigger is made again after each rebuild.

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

NAME_NOT_EMPTY = sa.CheckConstraint("name <> ''", name="ck_tag_name_not_empty")
LOWER_CASE_TRIGGER = (
    "CREATE TRIGGER tag_lower_case AFTER INSERT ON tag BEGIN UPDATE tag SET name = lower(name) WHERE id = NEW.id; END"
)


def upgrade():
    with op.batch_alter_table("tag", table_args=[NAME_NOT_EMPTY]) as batch_op:
        batch_op.alter_column("name", existing_type=sa.String(20), type_=sa.String(40), existing_nullable=False)
    op.execute(LOWER_CASE_TRIGGER)


def downgrade():
    with op.batch_alter_table("tag") as batch_op:
        batch_op.alter_column("name", existing_type=sa.String(40), type_=sa.String(20), existing_nullable=False)
    op.execute(LOWER_CASE_TRIGGER)
