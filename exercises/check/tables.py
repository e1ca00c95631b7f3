"""What a database holds (columns, rows, revisions, schema), seed rows, and how two of them differ, in words."""

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from app.cli import sample_username
from app.dbtools.sqlite_report import LEFTOVER_PREFIX
from app.extensions import db


def columns():
    """Describe every column as {"table.column": type}, leaving out Alembic's own table."""
    inspector = sa.inspect(db.engine)
    return {
        f"{table}.{column['name']}": str(column["type"])
        for table in inspector.get_table_names()
        if table != "alembic_version"
        for column in inspector.get_columns(table)
    }


def rows():
    """Read every table as {"table.column": [values in id order]}, plus {"table": row count}."""
    values, counts = {}, {}
    metadata = sa.MetaData()
    with db.engine.connect() as connection:
        metadata.reflect(connection)
        for table in metadata.sorted_tables:
            if table.name == "alembic_version" or table.name.startswith(LEFTOVER_PREFIX):
                continue
            found = connection.execute(sa.select(table).order_by(*table.primary_key.columns)).all()
            counts[table.name] = len(found)
            for position, column in enumerate(table.columns):
                values[f"{table.name}.{column.name}"] = [row[position] for row in found]
    return values, counts


def versions():
    """Read the revisions the database reports, or None when it has no alembic_version table."""
    if not sa.inspect(db.engine).has_table("alembic_version"):
        return None
    with db.engine.connect() as connection:
        return sorted(connection.scalars(sa.text("SELECT version_num FROM alembic_version")))


def schema_text():
    """Describe every table's columns, keys, indexes and CHECK constraints, to compare two databases."""
    inspector = sa.inspect(db.engine)
    lines = []
    for table in sorted(inspector.get_table_names()):
        if table == "alembic_version":
            continue
        lines += [f"{table}.{c['name']} {c['type']} nullable={c['nullable']}" for c in inspector.get_columns(table)]
        lines.append(f"{table} primary key {inspector.get_pk_constraint(table)['constrained_columns']}")
        lines += sorted(
            f"{table} foreign key {k['constrained_columns']} -> {k['referred_table']}{k['referred_columns']}"
            for k in inspector.get_foreign_keys(table)
        )
        lines += sorted(
            f"{table} index {i['name']} {i['column_names']} unique={bool(i['unique'])}"
            for i in inspector.get_indexes(table)
        )
        lines += sorted(f"{table} unique {u['column_names']}" for u in inspector.get_unique_constraints(table))
        lines += sorted(f"{table} check {c['sqltext']}" for c in inspector.get_check_constraints(table))
    return "\n".join(lines)


def schema():
    """Describe the database twice: in full, to compare, and by column, to name what differs."""
    return schema_text(), columns()


def seed_rows(password_hash="scratch-hash", now=None):
    """Add ten users and thirty posts with plain SQL: uneven post counts, and three users without any."""
    # Stored the way the app stores them: UTC without an offset, to the microsecond.
    start = (now or datetime(2026, 1, 1, 12, 0, tzinfo=UTC)).replace(tzinfo=None)
    users = [
        {"id": n, "username": sample_username(n), "email": f"{sample_username(n)}@example.com", "hash": password_hash}
        for n in range(1, 11)
    ]
    # Posts go to the first seven users only, so counts differ and some users have none.
    posts = [
        {"body": f"Sample post {n}", "at": str(start + timedelta(microseconds=n)), "user_id": n % 7 + 1}
        for n in range(1, 31)
    ]
    with db.engine.begin() as connection:
        connection.execute(
            sa.text('INSERT INTO "user" (id, username, email, password_hash) VALUES (:id, :username, :email, :hash)'),
            users,
        )
        connection.execute(sa.text("INSERT INTO post (body, timestamp, user_id) VALUES (:body, :at, :user_id)"), posts)


def run_sql(*statements):
    """Run the statements in one transaction."""
    with db.engine.begin() as connection:
        for statement in statements:
            connection.exec_driver_sql(statement)


def noun(values):
    """Name what a column holds, for messages: texts, numbers or values."""
    sample = next((value for value in values if value is not None), None)
    return {str: "texts", int: "numbers"}.get(type(sample), "values")


def row_problems(where, expected, found):
    """List how the rows found differ from the rows expected, naming table.column."""
    expected_values, expected_counts = expected
    found_values, found_counts = found
    problems, short_tables = [], set()
    for table, count in expected_counts.items():
        if found_counts.get(table, 0) != count:
            problems.append(f"{where}: {table} has {found_counts.get(table, 0)} rows, it had {count}")
            short_tables.add(table)
    for name, values in expected_values.items():
        if name.split(".")[0] in short_tables:
            continue
        if name not in found_values:
            problems.append(f"{where}: {name} is missing")
        elif found_values[name] != values:
            wrong = sum(a != b for a, b in zip(values, found_values[name], strict=True))
            lost = all(value is None for value in found_values[name])
            how = "lost" if lost else f"changed {wrong} of"
            problems.append(f"{where}: {name} {how} its {noun(values)}")
    return problems


def column_problems(where, expected, found):
    """List columns found that should be gone, or found with another type than expected."""
    problems = [f"{where}: {name} is still there" for name in sorted(found.keys() - expected.keys())]
    problems += [
        f"{where}: {name} is {found[name]}, not {expected[name]}"
        for name in sorted(expected.keys() & found.keys())
        if expected[name] != found[name]
    ]
    return problems


def type_problem(where, found, name, wanted):
    """Say if a column is missing or not of the wanted type."""
    if name not in found:
        return [f"{where}: there is no column {name}"]
    return [] if found[name] == wanted else [f"{where}: {name} is {found[name]}, not {wanted}"]


def schema_mismatch(where, expected, found):
    """Say how a schema differs from the expected one, or None when they are the same."""
    (expected_text, expected_columns), (found_text, found_columns) = expected, found
    if found_text == expected_text:
        return None
    missing = [f"{where}: {name} is missing" for name in sorted(expected_columns.keys() - found_columns.keys())]
    return "; ".join(column_problems(where, expected_columns, found_columns) + missing) or (
        "indexes or constraints differ"
    )
