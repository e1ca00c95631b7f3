"""index post user_id

EXHIBIT: the lock-safe form of ../../../migrations/versions/7c1e5b9d0a34_index_post_user_id.py,
with the same revision id, for a PostgreSQL database that serves requests while it migrates.

A plain CREATE INDEX takes a SHARE lock on post: reads go on, but every INSERT, UPDATE
and DELETE waits until the whole table has been read and the index written. CREATE INDEX
CONCURRENTLY lets writes go on while it builds, at the price of reading the table twice.
It cannot run inside a transaction, so it runs in Alembic's autocommit block. Other
engines get the shipped revision's plain form.

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


def on_postgresql():
    """Tell whether this migration runs against PostgreSQL."""
    return op.get_context().dialect.name == "postgresql"


def upgrade():
    if not on_postgresql():
        with op.batch_alter_table("post") as batch_op:
            batch_op.create_index(batch_op.f("ix_post_user_id"), ["user_id"], unique=False)
        return
    # The block commits the revision's transaction first, so a failure from here on leaves
    # the database at 2145583e182a, possibly with an INVALID index that a failed build
    # leaves behind. Dropping it first makes running the upgrade again the way to recover.
    with op.get_context().autocommit_block():
        op.drop_index(op.f("ix_post_user_id"), "post", if_exists=True, postgresql_concurrently=True)
        op.create_index(op.f("ix_post_user_id"), "post", ["user_id"], unique=False, postgresql_concurrently=True)


def downgrade():
    if on_postgresql():
        # DROP INDEX CONCURRENTLY waits for queries that use the index instead of locking them out.
        with op.get_context().autocommit_block():
            op.drop_index(op.f("ix_post_user_id"), "post", postgresql_concurrently=True)
        return
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
