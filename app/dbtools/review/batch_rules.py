"""What a batch block does to a table it rebuilds on SQLite, and the constraints it cannot name."""

from alembic.operations import ops as alembic_ops

from app.dbtools.review.findings import CONSTRAINT_OPS, ERROR, WARNING, Finding, describe_op

CONVENTION_KEYS = {
    alembic_ops.CreateForeignKeyOp: "fk",
    alembic_ops.CreateUniqueConstraintOp: "uq",
    alembic_ops.CreatePrimaryKeyOp: "pk",
    alembic_ops.CreateCheckConstraintOp: "ck",
}


def named_by_convention(op, metadata):
    """Tell whether the app's naming convention gives an unnamed new constraint its name."""
    convention = (metadata.naming_convention if metadata is not None else {}).get(CONVENTION_KEYS.get(type(op)))
    return bool(convention) and "%(constraint_name)s" not in convention


def batch_rules(run, findings, dialect_name, metadata=None):
    """What a batch block does to an SQLite table it rebuilds, and constraints it cannot name."""
    seen = []
    for step in run.steps:
        batch = step.batch
        if batch is None:
            continue
        op = step.op
        if (
            isinstance(op, CONSTRAINT_OPS)
            and op.constraint_name is None
            and not batch.naming_convention
            and not named_by_convention(op, metadata)
        ):
            dropping = isinstance(op, alembic_ops.DropConstraintOp)
            findings.append(
                Finding(
                    ERROR if dropping else WARNING,
                    f"unnamed constraint in a batch block: batch_op.{describe_op(op)}",
                    "batch mode cannot find a constraint without a name (ValueError: Constraint must have a name)"
                    if dropping
                    else "a constraint made without a name cannot be dropped by name later",
                    "give it a name (op.f('...')), and a naming convention to MetaData from the first revision",
                    "atlas/constraint-must-have-a-name.md",
                    step=step,
                )
            )
        if batch in seen or dialect_name != "sqlite":
            continue
        seen.append(batch)
        lost = [w for w in batch.warnings if "CHECK constraint" in w]
        if batch.lost_triggers or lost:
            details = [f"trigger {name} is dropped with the old table" for name in batch.lost_triggers] + lost
            findings.append(
                Finding(
                    ERROR,
                    f'batch mode rebuilds "{batch.table}" without what it cannot copy',
                    "a rebuilt table keeps only what Alembic reflects: unnamed CHECKs and triggers are lost",
                    "name the CHECK and pass it in table_args; create the trigger again after the block",
                    "atlas/batch-loses-check-and-triggers.md",
                    details,
                    step,
                )
            )
        if batch.views:
            findings.append(
                Finding(
                    ERROR,
                    f'batch mode rebuilds "{batch.table}", which a view reads',
                    "SQLite checks every view when the copy is renamed into place, and the view "
                    f"refers to a table that is gone at that moment (view {', '.join(batch.views)})",
                    "drop the view before the batch block and create it again after it",
                    "atlas/error-in-view.md",
                    [f"error in view {view}: no such table: main.{batch.table}" for view in batch.views],
                    step,
                )
            )
