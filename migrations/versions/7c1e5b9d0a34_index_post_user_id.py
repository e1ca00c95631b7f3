"""index post user_id

A profile page asks for one user's posts. Without an index on post.user_id the
database reads every post to find them; with it, only that user's. Creating an
index is one of the few changes SQLite makes in place, so batch mode does not copy
the table here.

Revision ID: 7c1e5b9d0a34
Revises: 2145583e182a
Create Date: 2026-11-24 13:50:30.614580

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "7c1e5b9d0a34"
down_revision = "2145583e182a"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("post") as batch_op:
        batch_op.create_index(batch_op.f("ix_post_user_id"), ["user_id"], unique=False)


def downgrade():
    # MariaDB and MySQL keep an index on every foreign key column. Once ix_post_user_id
    # exists they use it for post.user_id and drop the index they had made themselves, so
    # it cannot simply go ("needed in a foreign key constraint"). Taking the foreign key off
    # and putting it back makes them build their own index again.
    on_mysql = op.get_context().dialect.name in ("mysql", "mariadb")
    if on_mysql:
        op.drop_constraint(op.f("fk_post_user_id_user"), "post", type_="foreignkey")
    with op.batch_alter_table("post") as batch_op:
        batch_op.drop_index(batch_op.f("ix_post_user_id"))
    if on_mysql:
        op.create_foreign_key(op.f("fk_post_user_id_user"), "post", "user", ["user_id"], ["id"])
