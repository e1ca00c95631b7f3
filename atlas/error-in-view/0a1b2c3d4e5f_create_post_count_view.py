"""create post count view

A view for the admin page: how many posts each user has written.

Revision ID: 0a1b2c3d4e5f
Revises: f6c3a8e2b1d7
Create Date: 2026-11-25 11:00:00.000000

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0a1b2c3d4e5f"
down_revision = "f6c3a8e2b1d7"
branch_labels = None
depends_on = None


def upgrade():
    op.execute(
        'CREATE VIEW post_count AS SELECT "user".username AS username, count(post.id) AS posts '
        'FROM "user" LEFT JOIN post ON post.user_id = "user".id GROUP BY "user".id'
    )


def downgrade():
    op.execute("DROP VIEW post_count")
