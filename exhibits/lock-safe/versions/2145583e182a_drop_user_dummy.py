"""drop user dummy

The learner is done with the experiment and removes the column again, this time
as a new revision going forward rather than by downgrading.

Revision ID: 2145583e182a
Revises: 60e4d26fe43c
Create Date: 2026-11-24 13:46:32.613494

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "2145583e182a"
down_revision = "60e4d26fe43c"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("user") as batch_op:
        batch_op.drop_column("dummy")


def downgrade():
    # The column comes back empty: whatever it held was dropped with it.
    with op.batch_alter_table("user") as batch_op:
        batch_op.add_column(sa.Column("dummy", sa.String(length=20), nullable=True))
