"""enforce username rules

A username is part of a URL (/user/<username>), so the database now takes only
names made of lowercase letters, digits, "-" and "_". That leaves no room for
"//victim" or "..", and no two names that differ only in case, in spaces or in
look-alike Unicode: the unique index on username then means "unique" on every
engine alike. The form says the same (app/auth/forms.py).

Autogenerate does not notice CHECK constraints, so this revision is written by hand.
The database has rows: the upgrade first looks for names that break the rule, and
refuses, naming them, rather than fail halfway or change anyone's name.

Revision ID: d4b7f1a9c2e5
Revises: e2a9d4f6b813
Create Date: 2026-11-25 16:40:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "d4b7f1a9c2e5"
down_revision = "e2a9d4f6b813"
branch_labels = None
depends_on = None

# The rule in each engine's own words: there is no pattern syntax they share.
RULE = {
    "sqlite": "username NOT GLOB '*[^a-z0-9_-]*' AND username <> ''",
    "postgresql": "username ~ '^[a-z0-9_-]+$'",
    # MariaDB compares text without regard to case unless it is cast to bytes.
    "mysql": "CAST(username AS BINARY) REGEXP '^[a-z0-9_-]+$'",
}
# SQLAlchemy names the dialect "mysql" for mysql+pymysql:// URLs and "mariadb" for mariadb+pymysql://.
RULE["mariadb"] = RULE["mysql"]


def upgrade():
    rule = RULE[op.get_context().dialect.name]
    # `--sql` writes SQL without a database to read: there are no rows to look at then.
    if not op.get_context().as_sql:
        refuse_names_that_break(rule)
    with op.batch_alter_table("user") as batch_op:
        batch_op.create_check_constraint("username_chars", sa.text(rule))


def refuse_names_that_break(rule):
    """Stop before any change if a username in the table breaks the rule, naming those that do."""
    # The CHECK's own condition finds them, so this check and the constraint cannot disagree.
    # A NULL username passes a CHECK, and NOT (NULL) selects no row either.
    user = sa.table("user", sa.column("username"))
    breaks_the_rule = sa.text(f"NOT ({rule})")
    bind = op.get_bind()
    count = bind.scalar(sa.select(sa.func.count()).select_from(user).where(breaks_the_rule))
    if count:
        first = bind.scalars(sa.select(user.c.username).where(breaks_the_rule).order_by(user.c.username).limit(20))
        raise RuntimeError(
            f"{count} usernames break the new rule (lowercase letters, digits, - and _): "
            f"{', '.join(repr(name) for name in sorted(first))}. Rename them first, then upgrade again."
        )


def downgrade():
    with op.batch_alter_table("user") as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_user_username_chars"), type_="check")
