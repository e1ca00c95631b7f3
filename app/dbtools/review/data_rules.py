"""What a revision does to the rows: values it drops, NOT NULL columns it cannot fill, renames done as drop and add."""

import re

from alembic.operations import ops as alembic_ops

from app.dbtools.review.findings import ERROR, WARNING, Finding, describe_op
from app.migrating import column_type, dropped_column_type


def data_rules(run, findings):
    """Drops that lose values, NOT NULL columns a table with rows cannot take, and renames done as drop and add."""
    for step in run.steps:
        op = step.op
        if isinstance(op, alembic_ops.DropColumnOp) and step.values:
            findings.append(
                Finding(
                    WARNING,
                    f"loses data: {describe_op(op)} drops {step.values:,} values",
                    f'"{op.table_name}"."{op.column_name}" holds {step.values:,} non-NULL values in this database',
                    "copy them somewhere first if anyone may need them again",
                    "TUTORIAL.md#getting-back-without-losing-a-row",
                    step=step,
                )
            )
        elif isinstance(op, alembic_ops.DropTableOp) and step.rows:
            findings.append(
                Finding(
                    WARNING,
                    f"loses data: {describe_op(op)} drops {step.rows:,} rows",
                    f'"{op.table_name}" holds {step.rows:,} rows in this database',
                    "copy them somewhere first if anyone may need them again",
                    "TUTORIAL.md#getting-back-without-losing-a-row",
                    step=step,
                )
            )
        elif isinstance(op, alembic_ops.AddColumnOp):
            column = op.column
            if column.nullable or column.server_default is not None or column.primary_key:
                continue
            has_rows = bool(step.rows)
            findings.append(
                Finding(
                    ERROR if has_rows else WARNING,
                    f"cannot run on a table with rows: {describe_op(op)} is NOT NULL without a server_default",
                    f'"{op.table_name}" has {step.rows or 0:,} rows; the database has no value to put in them'
                    + ("" if has_rows else " (none here, but any database with rows refuses it)"),
                    "give the column a server_default, or add it nullable, fill it with one UPDATE, then set NOT NULL",
                    "atlas/not-null-on-a-table-with-rows.md",
                    step=step,
                )
            )
    rename_rules(run, findings)


def rename_rules(run, findings):
    """A column dropped and another of the same type (or the same name) added to one table: a rename that loses data."""
    drops = [s for s in run.steps if isinstance(s.op, alembic_ops.DropColumnOp)]
    adds = [s for s in run.steps if isinstance(s.op, alembic_ops.AddColumnOp)]
    for drop in drops:
        for add in adds:
            if add.op.table_name != drop.op.table_name:
                continue
            dropped_type = drop.column_type or dropped_column_type(drop.op)
            added_type = column_type(add.op.column)
            same_name = add.op.column.name == drop.op.column_name
            if not same_name and dropped_type != added_type:
                continue
            table, old, new = drop.op.table_name, drop.op.column_name, add.op.column.name
            findings.append(
                Finding(
                    ERROR,
                    f'looks like a rename: "{table}"."{old}" dropped and "{table}"."{new}" added'
                    if not same_name
                    else f'drops "{table}"."{old}" and adds it again',
                    "autogenerate cannot tell a rename from a drop and an add; as written, every value"
                    + (f" ({drop.values:,} here)" if drop.values else "")
                    + " is lost",
                    f'rename instead: batch_op.alter_column("{old}", new_column_name="{new}")'
                    if not same_name
                    else f'change it in place: batch_op.alter_column("{old}", type_=...)',
                    "atlas/autogenerate-blind-spots.md#a-renamed-column-comes-out-as-drop-and-add",
                    [f"dropped: {old} {dropped_type or '(type unknown)'}; added: {new} {added_type}"],
                    drop,
                )
            )


def filled_columns(upgrade_steps):
    """Columns an upgrade carried existing data into: {(table, column): how}."""
    filled = {}
    for step in upgrade_steps:
        op = step.op
        if isinstance(op, alembic_ops.AlterColumnOp) and op.modify_name:
            filled[(op.table_name, op.modify_name)] = f'renamed from "{op.column_name}"'
        elif isinstance(op, alembic_ops.ExecuteSQLOp):
            sql = " ".join(str(op.sqltext).split())
            update = re.match(r'UPDATE\s+["`]?(\w+)["`]?\s+SET\s+(.*?)(\s+WHERE\s|$)', sql, re.IGNORECASE)
            if update:
                for target, source in re.findall(r'["`]?(\w+)["`]?\s*=\s*["`]?(\w+)["`]?\s*(?:,|$)', update.group(2)):
                    if not source.isdigit():
                        filled[(update.group(1), target)] = f'copied from "{source}"'
    return filled


def lossy_downgrade_rules(run, upgrade_steps, findings):
    """A downgrade that drops a column its upgrade filled with existing data."""
    filled = filled_columns(upgrade_steps)
    saved = {key for key in filled_columns(run.steps)}
    for step in run.steps:
        op = step.op
        if isinstance(op, alembic_ops.DropColumnOp):
            keys = [(op.table_name, op.column_name)]
        elif isinstance(op, alembic_ops.DropTableOp):
            keys = [key for key in filled if key[0] == op.table_name]
        else:
            continue
        for key in keys:
            if key in filled and not any(k[0] == key[0] and k != key for k in saved):
                findings.append(
                    Finding(
                        ERROR,
                        f'downgrade loses data: drops "{key[0]}"."{key[1]}", which the upgrade filled',
                        f"the upgrade put the rows' existing values there ({filled[key]}); dropping it "
                        "does not put them back",
                        "undo the upgrade's move: rename the column back, or copy the values back before the drop",
                        "TUTORIAL.md#getting-back-without-losing-a-row",
                        step=step,
                    )
                )
