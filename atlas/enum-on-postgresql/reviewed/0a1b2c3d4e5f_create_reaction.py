"""create reaction

Written by `flask db migrate`, then reviewed: on PostgreSQL, op.create_table makes the
column's enum type, mood, but op.drop_table leaves it behind. The downgrade drops it too,
so that the upgrade can run again.

Revision ID: 0a1b2c3d4e5f
Revises: f6c3a8e2b1d7
Create Date: 2026-11-25 12:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0a1b2c3d4e5f"
down_revision = "f6c3a8e2b1d7"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "reaction",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("post_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("mood", sa.Enum("like", "laugh", name="mood"), nullable=False),
        sa.ForeignKeyConstraint(["post_id"], ["post.id"], name=op.f("fk_reaction_post_id_post")),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], name=op.f("fk_reaction_user_id_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reaction")),
    )


def downgrade():
    op.drop_table("reaction")
    # Only PostgreSQL (of the engines this project runs on) keeps an enum as a type of its own.
    sa.Enum(name="mood").drop(op.get_bind(), checkfirst=True)
