"""create tag

A table written in SQLite's own SQL, as a schema carried over from another project often is.
Its CHECK constraint has no name, and a trigger keeps every tag in lower case.

Revision ID: 0a1b2c3d4e5f
Revises: f6c3a8e2b1d7
Create Date: 2026-11-25 10:00:00.000000

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0a1b2c3d4e5f"
down_revision = "f6c3a8e2b1d7"
branch_labels = None
depends_on = None


def upgrade():
    op.execute("CREATE TABLE tag (id INTEGER PRIMARY KEY, name VARCHAR(20) NOT NULL CHECK (name <> ''))")
    op.execute(
        "CREATE TRIGGER tag_lower_case AFTER INSERT ON tag "
        "BEGIN UPDATE tag SET name = lower(name) WHERE id = NEW.id; END"
    )


def downgrade():
    op.execute("DROP TABLE tag")
