"""create post count view

A view for the admin page: how many posts each user has written.

Revision ID: 0a1b2c3d4e5f
Revises: e2a9d4f6b813
Create Date: 2026-11-25 11:00:00.000000

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0a1b2c3d4e5f"
down_revision = "e2a9d4f6b813"
branch_labels = None
depends_on = None


def upgrade():
    op.execute(
        'CREATE VIEW post_count AS SELECT "user".username AS username, count(post.id) AS posts '
        'FROM "user" LEFT JOIN post ON post.user_id = "user".id GROUP BY "user".id'
    )


def downgrade():
    op.execute("DROP VIEW post_count")
