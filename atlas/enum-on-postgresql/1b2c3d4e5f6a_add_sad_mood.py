"""add sad mood

Autogenerate does not compare the members of an enum, so this revision is written by hand.
PostgreSQL 12 and newer can add a member inside the revision's transaction; the new member
can be used once that transaction has committed.

Revision ID: 1b2c3d4e5f6a
Revises: 0a1b2c3d4e5f
Create Date: 2026-11-25 12:10:00.000000

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "1b2c3d4e5f6a"
down_revision = "0a1b2c3d4e5f"
branch_labels = None
depends_on = None


def upgrade():
    op.execute("ALTER TYPE mood ADD VALUE 'sad'")


def downgrade():
    # PostgreSQL cannot take a member out of an enum type: make the type again without it.
    # A reaction that is still 'sad' makes the cast fail, and the downgrade is rolled back.
    op.execute("ALTER TYPE mood RENAME TO mood_old")
    op.execute("CREATE TYPE mood AS ENUM ('like', 'laugh')")
    op.execute("ALTER TABLE reaction ALTER COLUMN mood TYPE mood USING mood::text::mood")
    op.execute("DROP TYPE mood_old")
