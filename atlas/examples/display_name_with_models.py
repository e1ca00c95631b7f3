"""add user display_name

The data step below imports the app's models: the way NOT to write a data migration.

Revision ID: 4a5b6c7d8e9f
Revises: f6c3a8e2b1d7
Create Date: 2026-11-25 12:00:00.000000

"""

import sqlalchemy as sa
import sqlalchemy.orm as so
from alembic import op

from app.models import User

# revision identifiers, used by Alembic.
revision = "4a5b6c7d8e9f"
down_revision = "f6c3a8e2b1d7"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("user") as batch_op:
        batch_op.add_column(sa.Column("display_name", sa.String(length=64), nullable=True))

    # User is the model as app/models.py defines it on the day this runs, not on the day
    # this revision was written: every column it has then is in this SELECT.
    session = so.Session(bind=op.get_bind())
    for user in session.scalars(sa.select(User)):
        user.display_name = user.username
    session.flush()


def downgrade():
    with op.batch_alter_table("user") as batch_op:
        batch_op.drop_column("display_name")
