"""A finding of `flask db review`: its reason, its fix and the page on it, and how it names an operation."""

from dataclasses import dataclass, field

from alembic.operations import ops as alembic_ops

from app.dbtools.review.recorder import table_of

ERROR, WARNING = "error", "warning"
CONSTRAINT_OPS = (alembic_ops.AddConstraintOp, alembic_ops.DropConstraintOp)


@dataclass
class Finding:
    """One thing a reviewer should know before running a revision."""

    level: str
    title: str
    reason: str
    fix: str
    see: str
    details: list[str] = field(default_factory=list)
    step: object = field(default=None, repr=False, compare=False)


def describe_op(op):
    """Write an operation the way the revision calls it, short enough for one line."""
    table = table_of(op)
    if isinstance(op, alembic_ops.AddColumnOp):
        return f'add_column("{table}", "{op.column.name}")'
    if isinstance(op, alembic_ops.DropColumnOp):
        return f'drop_column("{table}", "{op.column_name}")'
    if isinstance(op, alembic_ops.AlterColumnOp):
        return f'alter_column("{table}", "{op.column_name}")'
    if isinstance(op, alembic_ops.DropTableOp):
        return f'drop_table("{table}")'
    if isinstance(op, alembic_ops.DropConstraintOp):
        return f'drop_constraint({quoted(op.constraint_name)}, "{table}")'
    if isinstance(op, alembic_ops.AddConstraintOp):
        return f'{type(op).__name__.removesuffix("Op")}({quoted(op.constraint_name)}, "{table}")'
    return type(op).__name__.removesuffix("Op")


def quoted(name):
    return "None" if name is None else f'"{name}"'
