"""add user session_token

Logging out used to end only the session in that browser: a saved session or
remember-me cookie still logged the user in. Each user now has a session token;
the cookies carry it, and logging out replaces it, which ends every session of
that user at once (app/models.py, User.get_id).

Revision ID: f6c3a8e2b1d7
Revises: d4b7f1a9c2e5
Create Date: 2026-11-25 16:41:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "f6c3a8e2b1d7"
down_revision = "d4b7f1a9c2e5"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("user") as batch_op:
        batch_op.add_column(sa.Column("session_token", sa.String(length=32), nullable=True))


def downgrade():
    with op.batch_alter_table("user") as batch_op:
        batch_op.drop_column("session_token")
