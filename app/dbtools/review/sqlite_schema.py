"""What an SQLite schema says about a table: its triggers and views, and what a native DROP COLUMN trips on."""

import re
import sqlite3


def sqlite_objects(connection, kind, table):
    """Return {name: sql} of the indexes or triggers SQLite keeps for a table."""
    rows = connection.exec_driver_sql(
        "SELECT name, sql FROM sqlite_master WHERE type = ? AND tbl_name = ?", (kind, table)
    ).all()
    return {name: sql or "" for name, sql in rows}


def mentions(sql, name):
    """Tell whether SQL names an identifier, quoted or not."""
    return re.search(rf'(?<![\w$])["`\[]?{re.escape(name)}["`\]]?(?![\w$])', sql, re.IGNORECASE) is not None


def sqlite_views_reading(connection, table):
    """Name the views whose SQL reads a table."""
    rows = connection.exec_driver_sql("SELECT name, sql FROM sqlite_master WHERE type = 'view'").all()
    return [name for name, sql in rows if mentions(sql or "", table)]


def sqlite_drop_blockers(connection, table, column):
    """List what makes SQLite 3.35+ refuse `ALTER TABLE table DROP COLUMN column`, with the error it gives."""
    blockers = []
    table_sql = connection.exec_driver_sql(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)
    ).scalar()
    if table_sql is None:
        return blockers
    quote = connection.dialect.identifier_preparer.quote
    info = connection.exec_driver_sql(f"PRAGMA table_info({quote(table)})").all()
    if any(row[1] == column and row[5] for row in info):
        blockers.append(("primary key", f'cannot drop PRIMARY KEY column: "{column}"'))
    for index in connection.exec_driver_sql(f"PRAGMA index_list({quote(table)})").all():
        name, origin = index[1], index[3]
        columns = [row[2] for row in connection.exec_driver_sql(f"PRAGMA index_info({quote(name)})").all()]
        if column not in columns or origin == "pk":
            continue
        if origin == "c":
            blockers.append((f"index {name}", f"error in index {name} after drop column: no such column: {column}"))
        elif len(columns) == 1 and not re.search(r"UNIQUE\s*\(", table_sql, re.IGNORECASE):
            blockers.append(("UNIQUE", f'cannot drop UNIQUE column: "{column}"'))
        else:
            blockers.append(
                ("UNIQUE constraint", f"error in table {table} after drop column: no such column: {column}")
            )
    for columns in re.findall(r"FOREIGN\s+KEY\s*\(([^)]*)\)", table_sql, re.IGNORECASE):
        if any(part.strip(' "`[]') == column for part in columns.split(",")):
            message = f'error in table {table} after drop column: unknown column "{column}" in foreign key definition'
            blockers.append(("foreign key", message))
    for view in sqlite_views_reading(connection, table):
        sql = connection.exec_driver_sql("SELECT sql FROM sqlite_master WHERE name = ?", (view,)).scalar()
        if mentions(sql, column):
            blockers.append((f"view {view}", f"error in view {view} after drop column: no such column: {column}"))
    for trigger, sql in sorted(sqlite_objects(connection, "trigger", table).items()):
        if mentions(sql, column):
            message = f"error in trigger {trigger}: no such column: {column}"
            blockers.append((f"trigger {trigger}", message))
    return blockers


def native_drop_error(connection, table, column):
    """Ask this machine's SQLite, on an empty copy of the schema, what it says to a native DROP COLUMN."""
    if sqlite3.sqlite_version_info < (3, 35):
        return None
    schema = connection.exec_driver_sql(
        "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' "
        "ORDER BY CASE type WHEN 'table' THEN 0 WHEN 'index' THEN 1 ELSE 2 END, rowid"
    ).scalars()
    copy = sqlite3.connect(":memory:")
    try:
        for sql in schema:
            copy.execute(sql)
        quote = connection.dialect.identifier_preparer.quote
        copy.execute(f"ALTER TABLE {quote(table)} DROP COLUMN {quote(column)}")
    except sqlite3.Error as error:
        return str(error)
    finally:
        copy.close()
    return ""
