"""widen username

Batch mode rebuilds user on SQLite, and SQLite checks every view when the copy is renamed to
user. The post_count view names user, which at that moment does not exist, so the rename fails.
The view is dropped before the rebuild and made again after it, in both directions.

Revision ID: 1b2c3d4e5f6a
Revises: 0a1b2c3d4e5f
Create Date: 2026-11-25 11:05:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "1b2c3d4e5f6a"
down_revision = "0a1b2c3d4e5f"
branch_labels = None
depends_on = None

CREATE_POST_COUNT = (
    'CREATE VIEW post_count AS SELECT "user".username AS username, count(post.id) AS posts '
    'FROM "user" LEFT JOIN post ON post.user_id = "user".id GROUP BY "user".id'
)


def upgrade():
    op.execute("DROP VIEW post_count")
    with op.batch_alter_table("user") as batch_op:
        batch_op.alter_column("username", existing_type=sa.String(64), type_=sa.String(80))
    op.execute(CREATE_POST_COUNT)


def downgrade():
    op.execute("DROP VIEW post_count")
    with op.batch_alter_table("user") as batch_op:
        batch_op.alter_column("username", existing_type=sa.String(80), type_=sa.String(64))
    op.execute(CREATE_POST_COUNT)
