"""check post body length

EXHIBIT: the lock-safe form of ../../../migrations/versions/e2a9d4f6b813_check_post_body_length.py,
with the same revision id, for a PostgreSQL database that serves requests while it migrates.

Adding a CHECK constraint takes an ACCESS EXCLUSIVE lock on post, which stops reads and
writes alike, and a plain ADD CONSTRAINT holds it while it reads every row. Added NOT
VALID, the constraint holds for new rows at once and the lock lasts an instant; VALIDATE
CONSTRAINT then checks the old rows under a lock that lets reads and writes go on. Other
engines get the shipped revision's plain form.

Revision ID: e2a9d4f6b813
Revises: 7c1e5b9d0a34
Create Date: 2026-11-24 13:52:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "e2a9d4f6b813"
down_revision = "7c1e5b9d0a34"
branch_labels = None
depends_on = None


def on_postgresql():
    """Tell whether this migration runs against PostgreSQL."""
    return op.get_context().dialect.name == "postgresql"


def upgrade():
    body_fits = sa.func.char_length(sa.column("body")) <= 140
    if not on_postgresql():
        with op.batch_alter_table("post") as batch_op:
            batch_op.create_check_constraint("body_length", body_fits)
        return
    # A VALIDATE that failed (a body too long, a timeout) leaves the NOT VALID constraint
    # behind at 7c1e5b9d0a34. Dropping it in the same transaction, under the same lock,
    # makes running the upgrade again the way to recover.
    op.drop_constraint(op.f("ck_post_body_length"), "post", type_="check", if_exists=True)
    op.create_check_constraint(op.f("ck_post_body_length"), "post", body_fits, postgresql_not_valid=True)
    # Commit first, so that the exclusive lock is let go before the scan starts.
    with op.get_context().autocommit_block():
        op.execute("ALTER TABLE post VALIDATE CONSTRAINT ck_post_body_length")


def downgrade():
    # Dropping a constraint reads no rows, so the plain form is brief on every engine.
    with op.batch_alter_table("post") as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_post_body_length"), type_="check")
