"""delete notes with their tag

Revision ID: 2b3c4d5e6f7a
Revises: 1a2b3c4d5e6f
Create Date: 2026-11-25 15:27:52.259030

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "2b3c4d5e6f7a"
down_revision = "1a2b3c4d5e6f"
branch_labels = None
depends_on = None

# The database gave note's foreign key no name. Batch mode names every unnamed constraint
# it reflects by this convention, so the steps below can refer to fk_note_tag_id_tag.
NAMING_CONVENTION = {"fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s"}


def upgrade():
    with op.batch_alter_table("note", naming_convention=NAMING_CONVENTION) as batch_op:
        batch_op.drop_constraint("fk_note_tag_id_tag", type_="foreignkey")
        batch_op.create_foreign_key("fk_note_tag_id_tag", "tag", ["tag_id"], ["id"], ondelete="CASCADE")


def downgrade():
    with op.batch_alter_table("note", naming_convention=NAMING_CONVENTION) as batch_op:
        batch_op.drop_constraint("fk_note_tag_id_tag", type_="foreignkey")
        batch_op.create_foreign_key("fk_note_tag_id_tag", "tag", ["tag_id"], ["id"])
