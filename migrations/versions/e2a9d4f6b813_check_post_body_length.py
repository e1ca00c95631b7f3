"""check post body length

The post form allows 140 characters, and post.body is VARCHAR(140). PostgreSQL and
MariaDB enforce that length; SQLite stores any length it is given. A CHECK constraint
makes every engine refuse a longer body, whoever writes it.

Autogenerate does not notice CHECK constraints, so this revision is written by hand.
SQLite cannot add a constraint to an existing table: batch mode copies the table.

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


def upgrade():
    with op.batch_alter_table("post") as batch_op:
        batch_op.create_check_constraint("body_length", sa.func.char_length(sa.column("body")) <= 140)


def downgrade():
    with op.batch_alter_table("post") as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_post_body_length"), type_="check")
