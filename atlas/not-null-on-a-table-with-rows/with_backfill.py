"""add user karma

Revision ID: f1e2d3c4b5a6
Revises: f6c3a8e2b1d7
Create Date: 2026-11-25 15:31:02.988076

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "f1e2d3c4b5a6"
down_revision = "f6c3a8e2b1d7"
branch_labels = None
depends_on = None

# Lightweight tables with only the columns this revision reads and writes: the app's
# models change over time, and a migration must keep working as it was written.
user = sa.table("user", sa.column("id", sa.Integer), sa.column("karma", sa.Integer))
post = sa.table("post", sa.column("user_id", sa.Integer))


def upgrade():
    # 1. Add the column, nullable, so that the rows already there may leave it empty.
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.add_column(sa.Column("karma", sa.Integer(), nullable=True))
    # 2. Fill it for every row with one UPDATE: each user starts with one point per post.
    posts_written = sa.select(sa.func.count()).where(post.c.user_id == user.c.id).scalar_subquery()
    op.execute(user.update().values(karma=posts_written))
    # 3. Now no row is empty, the column can refuse NULL.
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.alter_column("karma", existing_type=sa.Integer(), nullable=False)


def downgrade():
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.drop_column("karma")
