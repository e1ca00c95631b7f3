"""What a revision's own code does: a downgrade() that cannot undo, imports of the app, failures no rule explains."""

import dis
import re

from app.dbtools.review.findings import ERROR, WARNING, Finding, describe_op


def function_does_nothing_or_raises(function):
    """Tell whether a function's body is empty ("empty") or raises before it does anything ("raises")."""
    instructions = [i for i in dis.get_instructions(function) if i.opname not in ("RESUME", "NOP", "CACHE")]
    if all(i.opname in ("RETURN_CONST", "LOAD_CONST", "RETURN_VALUE") and i.argval is None for i in instructions):
        return "empty"
    for instruction in instructions:
        if instruction.opname == "RAISE_VARARGS":
            return "raises"
        # A branch, a loop or a use of `op` comes first: the function does something before any raise.
        if "JUMP" in instruction.opname or instruction.opname == "FOR_ITER" or instruction.argval == "op":
            return None
    return None


def irreversible_rules(script, direction, findings, mode):
    """A downgrade() that is empty or raises: the revision cannot be undone."""
    downgrade = getattr(script.module, "downgrade", None)
    kind = function_does_nothing_or_raises(downgrade) if downgrade else "empty"
    if kind is None:
        return
    running_it = direction == "downgrade"
    findings.append(
        Finding(
            ERROR if running_it and mode == "downgrade" else WARNING,
            f"cannot be undone: downgrade() {'does nothing' if kind == 'empty' else 'raises'}",
            "`flask db downgrade` past this revision "
            + (
                "marks the database as downgraded while its tables stay as they are"
                if kind == "empty"
                else "stops here"
            ),
            "write the downgrade, or say in the revision's docstring why there is none and what to do instead",
            "atlas/testing-migrations.md",
        )
    )


def imports_app_rules(script, app_package, findings):
    """A revision that imports the app's own code: its models change after the revision is written."""
    module = script.module
    names = set()
    for name, value in vars(module).items():
        owner = getattr(value, "__module__", None) if not isinstance(value, type(re)) else value.__name__
        if isinstance(owner, str) and (owner == app_package or owner.startswith(app_package + ".")):
            names.add(f"{name} (from {owner})")
    for function in (getattr(module, "upgrade", None), getattr(module, "downgrade", None)):
        for instruction in dis.get_instructions(function) if function else ():
            target = instruction.argval
            if instruction.opname == "IMPORT_NAME" and (target == app_package or target.startswith(app_package + ".")):
                names.add(f"{target} (imported in {function.__name__}())")
    if names:
        findings.append(
            Finding(
                WARNING,
                "imports the app's models in a migration: " + ", ".join(sorted(names)),
                "the revision runs with the models as they are on the day it runs, not as they were when it was "
                "written; once they change, the old revision breaks (no such column ...)",
                "describe the tables it needs with sa.table() and sa.column(), and change rows with op.execute()",
                "atlas/data-migrations.md",
            )
        )


def failure_rules(run, findings):
    """Failures the dry run met that no other rule explains."""
    if run.direction == "downgrade" and run.error and function_does_nothing_or_raises(run.script.module.downgrade):
        # A downgrade that raises on purpose: "cannot be undone" already says so.
        run.error = None
    explained = {id(f.step) for f in findings if f.level == ERROR and f.step is not None}
    explained_batches = {id(f.step.batch) for f in findings if f.level == ERROR and f.step is not None and f.step.batch}
    errors = []
    for step in run.steps:
        if step.error and id(step) not in explained:
            errors.append((describe_op(step.op), step.error))
    batches = []
    for step in run.steps:
        batch = step.batch
        if batch is not None and batch.error and batch not in batches and id(batch) not in explained_batches:
            batches.append(batch)
            if not any(id(s) in explained for s in run.steps if s.batch is batch):
                errors.append((f'batch_alter_table("{batch.table}")', batch.error))
    # A revision that stopped at an operation already explained needs no second word.
    if run.error and not (run.steps and id(run.steps[-1]) in explained):
        errors.append((f"{run.direction}()", run.error))
    for where, error in errors:
        if not run.dry_run:
            continue
        findings.append(
            Finding(
                ERROR,
                f"fails on this database: {where}",
                error,
                "read the error; the dry run stopped here and changed nothing",
                "TUTORIAL.md#what-a-failed-migration-leaves-behind",
            )
        )
