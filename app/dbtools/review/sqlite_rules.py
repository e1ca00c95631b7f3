"""Operations that some supported SQLite cannot run in place, with the error each version prints."""

import re

from alembic.operations import ops as alembic_ops

from app.dbtools.review.findings import CONSTRAINT_OPS, ERROR, Finding, describe_op
from app.dbtools.review.recorder import offline_statements, table_of

# Every SQLite the project supports, by minor version: Ubuntu 20.04's 3.31 to the newest.
SQLITE_VERSIONS = range(31, 55)


def version_ranges(outcomes):
    """Group {minor: outcome} into lines like "SQLite 3.31 to 3.34: near ...", oldest first."""
    lines, start = [], None
    versions = list(SQLITE_VERSIONS)
    for i, minor in enumerate(versions):
        if start is None:
            start = minor
        last = i == len(versions) - 1
        if last or outcomes[versions[i + 1]] != outcomes[minor]:
            span = f"3.{start}" if start == minor else f"3.{start} to 3.{minor}"
            lines.append(f"SQLite {span}: {outcomes[minor] or 'runs'}")
            start = None
    return lines


def sqlite_says(sql, minor, step):
    """Return the error one SQLite version gives for a statement, or None if it runs it."""
    blockers = step.blockers
    text = sql.upper()
    syntax = "sqlite3.OperationalError: near {!r}: syntax error".replace("{!r}", '"{}"')
    if re.match(r"ALTER TABLE \S+ DROP COLUMN ", text):
        if minor < 35:
            return syntax.format("DROP")
        # This machine's SQLite answered on an empty copy of the schema; otherwise, what it would say.
        said = step.native_drop if step.native_drop is not None else (blockers[0][1] if blockers else "")
        return f"sqlite3.OperationalError: {said}" if said else None
    if re.match(r"ALTER TABLE \S+ ALTER COLUMN ", text):
        if minor < 53:
            return syntax.format("ALTER")
        # 3.53 learned SET NOT NULL and DROP NOT NULL, and nothing else of ALTER COLUMN.
        if re.search(r" (SET|DROP) NOT NULL$", text):
            return None
        # Measured on 3.53.4: a type change stops at TYPE, a default change at DEFAULT.
        return syntax.format("DEFAULT" if re.search(r" (SET|DROP) DEFAULT", text) else "TYPE")
    return None


def sqlite_failures(step):
    """Judge one operation outside batch mode on every supported SQLite: {minor: error or None}."""
    op = step.op
    if step.batch is not None and step.batch.recreate != "never":
        return None
    if isinstance(op, (alembic_ops.ExecuteSQLOp, alembic_ops.BulkInsertOp)):
        return None
    statements, error = offline_statements(op, "sqlite")
    if error:
        return dict.fromkeys(SQLITE_VERSIONS, error)
    outcomes = {}
    for minor in SQLITE_VERSIONS:
        outcomes[minor] = next((said for said in (sqlite_says(sql, minor, step) for sql in statements) if said), None)
    return outcomes


def sqlite_rules(run, findings):
    """Operations that some supported SQLite cannot run in place."""
    for step in run.steps:
        outcomes = sqlite_failures(step)
        if not outcomes or not any(outcomes.values()):
            continue
        op = step.op
        where = f'batch_op.{describe_op(op)} with recreate="never"' if step.batch else f"op.{describe_op(op)}"
        if isinstance(op, CONSTRAINT_OPS) or (
            isinstance(op, alembic_ops.AddColumnOp) and "ALTER of constraints" in (outcomes[31] or "")
        ):
            reason = "Alembic cannot change a constraint of an SQLite table in place, on any version"
        elif step.blockers and isinstance(op, alembic_ops.DropColumnOp):
            what = ", ".join(kind for kind, _ in step.blockers)
            reason = (
                f"SQLite's own DROP COLUMN refuses a column with a {what}; before 3.35 it has no DROP COLUMN at all"
            )
        elif isinstance(op, alembic_ops.DropColumnOp):
            reason = "SQLite has ALTER TABLE ... DROP COLUMN only from 3.35 (2021)"
        else:
            reason = "SQLite's ALTER TABLE cannot change a column's type or default (3.53 added only SET/DROP NOT NULL)"
        findings.append(
            Finding(
                ERROR,
                f"will fail on SQLite: {where}",
                reason,
                f'move it into a batch block: with op.batch_alter_table("{table_of(op)}") as batch_op: ...',
                "TUTORIAL.md#a-wall-every-sqlite-still-has"
                if not isinstance(op, alembic_ops.DropColumnOp)
                else "TUTORIAL.md#came-here-with-near-drop-syntax-error",
                version_ranges(outcomes),
                step,
            )
        )
