"""Statements that hold a PostgreSQL table locked while they read or rewrite its rows, and squawk's verdict on them."""

import json
import os
import re
import shutil
import subprocess
import sys

from alembic.operations import ops as alembic_ops

from app.dbtools.review.findings import WARNING, Finding


def postgresql_lock(sql, rows, tables_made):
    """Say which lock a PostgreSQL statement holds and for how long, or None when the lock is brief."""
    text = sql.upper()
    table = re.search(r'(?:ON|ALTER TABLE)\s+(?:ONLY\s+)?("[^"]+"|\w+)', sql, re.IGNORECASE)
    name = table.group(1).strip('"') if table else None
    if name in tables_made:
        return None
    behind = f"{rows:,} rows" if rows is not None else "its rows"
    if re.match(r"CREATE (UNIQUE )?INDEX ", text) and " CONCURRENTLY " not in f" {text} ":
        return (
            f"SHARE lock on {name}: inserts, updates and deletes wait while the index reads {behind}",
            "build it with postgresql_concurrently=True, outside the revision's transaction",
        )
    if re.match(r"ALTER TABLE .* ADD CONSTRAINT .* (CHECK|FOREIGN KEY)", text) and "NOT VALID" not in text:
        return (
            f"ACCESS EXCLUSIVE lock on {name}: every query waits while {behind} are checked",
            "add it NOT VALID (postgresql_not_valid=True), then VALIDATE CONSTRAINT in a later step",
        )
    if re.match(r"ALTER TABLE .* ALTER COLUMN .* TYPE ", text):
        return (
            f"ACCESS EXCLUSIVE lock on {name}: every query waits while {behind} may be rewritten "
            "(widening a VARCHAR or making it TEXT does not rewrite)",
            "add a new column, fill it in batches, then switch over",
        )
    if re.match(r"ALTER TABLE .* ALTER COLUMN .* SET NOT NULL", text):
        return (
            f"ACCESS EXCLUSIVE lock on {name}: every query waits while {behind} are checked for NULL",
            "add a CHECK (col IS NOT NULL) NOT VALID, validate it, then SET NOT NULL",
        )
    return None


def postgresql_lock_name(sql):
    """Name the table lock PostgreSQL takes for a statement (the documentation's "Explicit Locking")."""
    text = sql.upper()
    if text.startswith(("CREATE TABLE", "CREATE TYPE", "CREATE SEQUENCE", "CREATE VIEW", "DROP TYPE")):
        return None
    if re.match(r"(CREATE (UNIQUE )?|DROP )INDEX CONCURRENTLY", text) or "VALIDATE CONSTRAINT" in text:
        return "SHARE UPDATE EXCLUSIVE"
    if re.match(r"CREATE (UNIQUE )?INDEX", text):
        return "SHARE"
    if re.match(r"ALTER TABLE .* ADD CONSTRAINT .* FOREIGN KEY", text):
        return "SHARE ROW EXCLUSIVE"
    if text.startswith(("ALTER TABLE", "DROP TABLE", "DROP INDEX")):
        return "ACCESS EXCLUSIVE"
    if text.startswith(("UPDATE", "INSERT", "DELETE")):
        return "ROW EXCLUSIVE"
    return None


def postgresql_rules(run, findings, squawk):
    """Statements that hold a lock on a PostgreSQL table while they read or rewrite its rows."""
    tables_made = {s.op.table_name for s in run.steps if isinstance(s.op, alembic_ops.CreateTableOp)}
    for index, statement in enumerate(run.statements):
        rows = statement.step.rows if statement.step is not None else None
        lock = postgresql_lock(statement.sql, rows, tables_made)
        if lock:
            said = (squawk or {}).get(index)
            findings.append(
                Finding(
                    WARNING,
                    "locks the table on PostgreSQL: " + statement.sql[:60] + ("..." if len(statement.sql) > 60 else ""),
                    lock[0],
                    lock[1],
                    "TUTORIAL.md#migrating-a-live-database",
                    [f"squawk: {', '.join(said)}"] if said else [],
                    step=statement.step,
                )
            )


def squawk_verdict(run):
    """Ask squawk, where it is installed, about a revision's PostgreSQL statements: {statement index: [rules]}."""
    squawk = shutil.which("squawk") or shutil.which("squawk", path=os.path.dirname(sys.executable))
    if not squawk or not run.statements:
        return None
    # One statement per line, so that the line squawk names is the statement's index.
    sql = "".join(statement.sql + ";\n" for statement in run.statements)
    result = subprocess.run(
        [squawk, "--reporter", "json", "--assume-in-transaction", "--stdin-filepath", f"{run.script.revision}.sql"],
        input=sql,
        capture_output=True,
        text=True,
    )
    verdict = {}
    for problem in json.loads(result.stdout or "[]"):
        verdict.setdefault(problem["line"], []).append(problem["rule_name"])
    return verdict
