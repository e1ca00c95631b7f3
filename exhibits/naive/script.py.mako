<%!
    def quoted(value):
        """Write a revision id or branch label, a tuple of them, or None, in the double quotes ruff format uses."""
        if isinstance(value, (tuple, list)):
            items = [quoted(item) for item in value]
            # One item needs its comma: ("x") is the string "x", ("x",) the tuple.
            return "(" + ", ".join(items) + ("," if len(items) == 1 else "") + ")"
        return "None" if value is None else f'"{value}"'
%>"""${message}

Revision ID: ${up_revision}
Revises: ${down_revision | comma,n}
Create Date: ${create_date}

"""

import sqlalchemy as sa
from alembic import op
% if imports:
${imports}
% endif

# revision identifiers, used by Alembic.
revision = ${quoted(up_revision)}
down_revision = ${quoted(down_revision)}
branch_labels = ${quoted(branch_labels)}
depends_on = ${quoted(depends_on)}


def upgrade():
    ${upgrades if upgrades else "pass"}


def downgrade():
    ${downgrades if downgrades else "pass"}
