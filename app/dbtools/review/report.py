"""The review as text: each revision's statements and findings, with paths and URLs shown the same on every system."""

from dataclasses import dataclass, field
from pathlib import Path

from app.dbtools.review.findings import ERROR
from app.dbtools.review.postgresql_rules import postgresql_lock_name


@dataclass
class Report:
    """The review as text, and its findings."""

    lines: list[str] = field(default_factory=list)
    findings: list = field(default_factory=list)

    @property
    def errors(self):
        return sum(1 for finding in self.findings if finding.level == ERROR)

    @property
    def text(self):
        return "".join(line + "\n" for line in self.lines)


def write_revision(lines, run, found, dialect_name):
    """Add one revision's statements and findings to the report."""
    script = run.script
    lines.append(f"{script.revision} {script.doc}: {run.direction}")
    lines.append(f"  file: {shown_path(script.path)}")
    lines.append("  statements (dry run):" if run.dry_run else "  statements (offline, not run):")
    for statement in run.statements:
        lock = ""
        if dialect_name == "postgresql" and postgresql_lock_name(statement.sql):
            rows = statement.step.rows if statement.step is not None else None
            behind = "" if rows is None else f", {rows:,} rows"
            lock = f"[{postgresql_lock_name(statement.sql)}{behind}] "
        lines.append(f"    {lock}{statement.sql};")
    if not run.statements:
        lines.append("    (none)")
    if not run.dry_run and (run.error or any(step.error for step in run.steps)):
        error = run.error or next(step.error for step in run.steps if step.error)
        lines.append(f"    (the rest cannot be written offline: {error})")
    if run.squawk is not None:
        said = sorted({rule for rules_ in run.squawk.values() for rule in rules_})
        lines.append(f"  squawk: {', '.join(said) if said else 'no problems'}")
    if run.offline_note:
        lines.append(f"    ({run.offline_note})")
    if not found:
        lines.append("  findings: none")
    else:
        lines.append("  findings:")
    for finding in found:
        lines.append(f"    {finding.level.upper()}: {finding.title}")
        lines.append(f"      why: {finding.reason}")
        lines.extend(f"      {detail}" for detail in finding.details)
        lines.append(f"      fix: {finding.fix}")
        lines.append(f"      see: {finding.see}")
    lines.append("")


def version_query(dialect_name):
    return {"sqlite": "SELECT sqlite_version()", "postgresql": "SHOW server_version"}.get(
        dialect_name, "SELECT version()"
    )


def product(dialect_name):
    return {"sqlite": "SQLite", "postgresql": "PostgreSQL", "mysql": "MySQL/MariaDB"}.get(dialect_name, dialect_name)


def shown_path(path):
    """A path relative to the working folder where it can be, with forward slashes on every system."""
    path = Path(path).resolve()
    try:
        return path.relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.as_posix()
