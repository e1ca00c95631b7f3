"""merge

Exercise 6, after `git merge`: what `flask db merge heads -m "merge"` writes. It changes no
table; its down_revision names both heads, so the history has one head again and neither
branch's revision was rewritten.

Revision ID: a1b2c3d4e603
Revises: a1b2c3d4e601, a1b2c3d4e602
Create Date: 2026-11-24 16:30:00.000000

"""

revision = "a1b2c3d4e603"
down_revision = ("a1b2c3d4e601", "a1b2c3d4e602")
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
