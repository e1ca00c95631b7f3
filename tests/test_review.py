"""`flask db review` names what each revision will run and what will go wrong, before it runs, and changes nothing."""

import ast
import hashlib
import logging
import re
import shutil
import sqlite3
import traceback
from collections import Counter
from contextlib import closing

import flask_migrate
import pytest
import sqlalchemy as sa
from alembic.operations import ops as alembic_ops

from app.dbtools.review.sqlite_schema import sqlite_drop_blockers
from app.extensions import db
from app.migrating import warn_about_drop_and_add
from tests.helpers import HEAD, ROOT, app_for

SOLUTIONS = ROOT / "exercises" / "solutions"
ATLAS = ROOT / "atlas"
SEED_ERROR = 'SQLite 3.31 to 3.34: sqlite3.OperationalError: near "DROP": syntax error'
CONSTRAINT_ERROR = (
    "SQLite 3.31 to 3.54: NotImplementedError: No support for ALTER of constraints in SQLite dialect. "
    "Please refer to the batch mode feature which allows for SQLite migrations using a copy-and-move strategy."
)


@pytest.fixture
def sqlite_url(tmp_path):
    return f"sqlite:///{tmp_path / 'review.sqlite'}"


def add(migrations, source, name=None, replace=()):
    """Copy a revision file into the history, changing text in it; fail loudly if the text is not there."""
    text = source.read_text()
    for old, new in replace:
        assert old in text, f"{source.name} no longer contains {old!r}"
        text = text.replace(old, new)
    (migrations / "versions" / (name or source.name)).write_text(text)


def write_revision(migrations, revision, down_revision, upgrade, downgrade='op.execute("SELECT 1")'):
    """Write a small revision whose upgrade() and downgrade() bodies are given."""
    body = (
        f'"""test revision {revision}"""\n\nimport sqlalchemy as sa\nfrom alembic import op\n\n'
        f'revision = "{revision}"\ndown_revision = "{down_revision}"\nbranch_labels = None\ndepends_on = None\n\n\n'
        f"def upgrade():\n    {upgrade}\n\n\ndef downgrade():\n    {downgrade}\n"
    )
    (migrations / "versions" / f"{revision}_test.py").write_text(body)


def upgrade_to(url, directory, revision="heads", *statements):
    """Bring a database to a revision with the project's own env.py, then run some SQL on it."""
    app = app_for(url)
    with app.app_context():
        flask_migrate.upgrade(str(directory), revision)
        with db.engine.begin() as connection:
            for statement in statements:
                connection.execute(sa.text(statement) if isinstance(statement, str) else statement)
        db.engine.dispose()


def review(url, directory, *args):
    """Run `flask db review` on a database; return (exit code, output)."""
    app = app_for(url)
    result = app.test_cli_runner().invoke(args=["db", "review", "-d", str(directory), *args])
    # A clear message and an exit code, never a traceback.
    assert result.exception is None or isinstance(result.exception, SystemExit), "".join(
        traceback.format_exception(*result.exc_info)
    )
    with app.app_context():
        db.engine.dispose()
    return result.exit_code, result.output


def section(output, revision, direction):
    """The lines the review printed for one revision in one direction."""
    blocks = output.split("\n\n")
    [block] = [b for b in blocks if b.lstrip("\n").startswith(revision) and f": {direction}\n" in b]
    return [line.strip() for line in block.splitlines()]


def findings_in(output, revision, direction):
    """The finding titles of one revision's block, each with its level."""
    lines = section(output, revision, direction)
    return [line for line in lines if line.startswith(("ERROR: ", "WARNING: "))]


def all_findings(output):
    return [line.strip() for line in output.splitlines() if line.strip().startswith(("ERROR: ", "WARNING: "))]


USER = sa.table("user", sa.column("id"), sa.column("username"), sa.column("email"))
POST = sa.table("post", sa.column("id"), sa.column("body"), sa.column("user_id"))
# Rows written the same way on every engine: "user" needs quoting that differs between them.
USERS = [
    sa.insert(USER).values(id=n, username=name, email=f"{name}@example.com")
    for n, name in enumerate(["ann", "bob", "cy"], 1)
]
POSTS = [sa.insert(POST).values(id=n, body=f"post {n}", user_id=n % 3 + 1) for n in range(1, 6)]


# The shipped history, on every engine


def database_state(url):
    """Everything a review could change: tables, columns, indexes, constraints, rows, and the revision."""
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as connection:
            inspector = sa.inspect(connection)
            state = {}
            for table in sorted(inspector.get_table_names()):
                state[table] = (
                    [(c["name"], str(c["type"]), c["nullable"]) for c in inspector.get_columns(table)],
                    sorted(i["name"] for i in inspector.get_indexes(table)),
                    sorted(str(c["name"]) for c in inspector.get_check_constraints(table)),
                    connection.scalar(sa.select(sa.func.count()).select_from(sa.table(table))),
                )
            if url.startswith("postgresql"):
                state["schemas"] = sorted(inspector.get_schema_names())
            return state
    finally:
        engine.dispose()


def test_the_shipped_history_reviews_clean_up_and_down_on_every_engine(database_url):
    code, output = review(database_url, ROOT / "migrations", "--all")
    assert code == 0, output
    assert "Summary: 0 errors" in output
    if database_url.startswith("postgresql"):
        # The three revisions exhibits/lock-safe/ rewrites for a live site (.squawk.toml says why they stay).
        assert all_findings(output) == [
            "WARNING: locks the table on PostgreSQL: CREATE INDEX ix_post_user_id ON post (user_id)",
            "WARNING: locks the table on PostgreSQL: ALTER TABLE post ADD CONSTRAINT ck_post_body_length CHECK (c...",
            'WARNING: locks the table on PostgreSQL: ALTER TABLE "user" ADD CONSTRAINT ck_user_username_chars CHE...',
        ]
        assert "dry run inside a transaction that is rolled back" in output
    else:
        assert all_findings(output) == []
    if database_url.startswith("mysql"):
        assert "statements (offline, not run):" in output
    else:
        assert "statements (dry run):" in output
    # Every revision, up then down.
    assert output.count(": upgrade\n") == output.count(": downgrade\n") == 7


def test_a_review_changes_nothing_on_every_engine(database_url):
    upgrade_to(database_url, ROOT / "migrations", "7c1e5b9d0a34", *USERS, *POSTS)
    before = database_state(database_url)
    code, output = review(database_url, ROOT / "migrations")
    assert code == 0, output
    assert [line.split(":")[0] for line in output.splitlines() if line.endswith(": upgrade")] == [
        "e2a9d4f6b813 check post body length",
        "d4b7f1a9c2e5 enforce username rules",
        "f6c3a8e2b1d7 add user session_token",
    ]
    code, output = review(database_url, ROOT / "migrations", "--downgrade", "base")
    assert code == 0, output
    code, output = review(database_url, ROOT / "migrations", "--all")
    assert code == 0, output
    assert database_state(database_url) == before


def test_an_sqlite_file_is_not_touched(sqlite_url, tmp_path):
    upgrade_to(sqlite_url, ROOT / "migrations", "7c1e5b9d0a34", *USERS)
    path = tmp_path / "review.sqlite"
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    assert review(sqlite_url, ROOT / "migrations")[0] == 0
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before


def test_at_the_head_there_is_nothing_to_review(sqlite_url):
    upgrade_to(sqlite_url, ROOT / "migrations")
    code, output = review(sqlite_url, ROOT / "migrations")
    assert code == 0
    assert f"At: {HEAD}" in output
    assert "Nothing to review: `flask db upgrade` would run no revision." in output


def test_bad_arguments_get_a_message_not_a_traceback(sqlite_url):
    upgrade_to(sqlite_url, ROOT / "migrations")
    code, output = review(sqlite_url, ROOT / "migrations", "--downgrade", "nosuchrev")
    assert code == 1
    assert output.startswith("Error: ") and "nosuchrev" in output
    code, output = review(sqlite_url, ROOT / "migrations", "--downgrade", "base", "--all")
    assert code == 2
    assert "Give --downgrade TARGET or --all, not both." in output


# Will fail on SQLite


def test_the_naive_downgrade_is_flagged_for_sqlite_before_3_35_with_the_seeds_error(sqlite_url):
    code, output = review(sqlite_url, ROOT / "exhibits" / "naive", "--all")
    assert code == 1
    lines = section(output, "60e4d26fe43c", "downgrade")
    assert 'ERROR: will fail on SQLite: op.drop_column("user", "dummy")' in lines
    assert SEED_ERROR in lines
    assert "SQLite 3.35 to 3.54: runs" in lines
    assert "see: TUTORIAL.md#came-here-with-near-drop-syntax-error" in lines


def test_the_naive_downgrade_is_flagged_when_it_is_the_one_about_to_run(sqlite_url):
    upgrade_to(sqlite_url, ROOT / "migrations", "60e4d26fe43c")
    code, output = review(sqlite_url, ROOT / "exhibits" / "naive", "--downgrade", "fb762c06d798")
    assert code == 1
    assert SEED_ERROR in section(output, "60e4d26fe43c", "downgrade")


def test_the_fixed_exhibit_has_no_sqlite_findings(sqlite_url):
    code, output = review(sqlite_url, ROOT / "exhibits" / "fixed", "--all")
    assert code == 0, output
    assert all_findings(output) == []


def test_a_type_change_outside_batch_mode_fails_on_every_sqlite_with_each_ones_error(sqlite_url):
    code, output = review(sqlite_url, ROOT / "exhibits" / "naive", "--all")
    lines = section(output, "b3c8e1d94f27", "upgrade")
    assert 'ERROR: will fail on SQLite: op.alter_column("user", "dummy")' in lines
    assert 'SQLite 3.31 to 3.52: sqlite3.OperationalError: near "ALTER": syntax error' in lines
    assert 'SQLite 3.53 to 3.54: sqlite3.OperationalError: near "TYPE": syntax error' in lines
    assert findings_in(review(sqlite_url, ROOT / "exhibits" / "fixed", "--all")[1], "b3c8e1d94f27", "upgrade") == []


@pytest.mark.parametrize("in_batch", [False, True])
def test_a_nullability_change_fails_before_sqlite_3_53(migrations, sqlite_url, in_batch):
    if in_batch:
        upgrade = (
            'with op.batch_alter_table("user") as batch_op:\n'
            '        batch_op.alter_column("email", existing_type=sa.String(120), nullable=False)'
        )
    else:
        upgrade = 'op.alter_column("user", "email", existing_type=sa.String(120), nullable=False)'
    write_revision(migrations, "a0a0a0a0a001", HEAD, upgrade)
    code, output = review(sqlite_url, migrations)
    findings = findings_in(output, "a0a0a0a0a001", "upgrade")
    if in_batch:
        assert (code, findings) == (0, [])
    else:
        assert code == 1
        lines = section(output, "a0a0a0a0a001", "upgrade")
        assert 'SQLite 3.31 to 3.52: sqlite3.OperationalError: near "ALTER": syntax error' in lines
        assert "SQLite 3.53 to 3.54: runs" in lines


@pytest.mark.parametrize("in_batch", [False, True])
def test_a_constraint_change_outside_batch_mode_fails_on_every_sqlite(migrations, sqlite_url, in_batch):
    if in_batch:
        upgrade = (
            'with op.batch_alter_table("user") as batch_op:\n'
            '        batch_op.create_unique_constraint("uq_user_email", ["email"])'
        )
    else:
        upgrade = 'op.create_unique_constraint("uq_user_email", "user", ["email"])'
    write_revision(migrations, "a0a0a0a0a002", HEAD, upgrade)
    code, output = review(sqlite_url, migrations)
    lines = section(output, "a0a0a0a0a002", "upgrade")
    if in_batch:
        assert (code, findings_in(output, "a0a0a0a0a002", "upgrade")) == (0, [])
    else:
        assert code == 1
        assert 'ERROR: will fail on SQLite: op.CreateUniqueConstraint("uq_user_email", "user")' in lines
        assert CONSTRAINT_ERROR in lines


@pytest.mark.parametrize("in_batch", [False, True])
def test_a_native_drop_of_an_indexed_column_is_refused_from_sqlite_3_35(migrations, sqlite_url, in_batch):
    if in_batch:
        # Batch mode would rebuild the index on the dropped column (the dry run says "no such column"): drop it first.
        upgrade = (
            'with op.batch_alter_table("user") as batch_op:\n'
            '        batch_op.drop_index("ix_user_email")\n        batch_op.drop_column("email")'
        )
    else:
        upgrade = 'op.drop_column("user", "email")'
    write_revision(migrations, "a0a0a0a0a003", HEAD, upgrade)
    code, output = review(sqlite_url, migrations)
    lines = section(output, "a0a0a0a0a003", "upgrade")
    if in_batch:
        assert (code, findings_in(output, "a0a0a0a0a003", "upgrade")) == (0, [])
    else:
        assert code == 1
        assert SEED_ERROR in lines
        assert (
            "SQLite 3.35 to 3.54: sqlite3.OperationalError: error in index ix_user_email after drop column: "
            "no such column: email"
        ) in lines


# What SQLite's DROP COLUMN (3.35+) trips on, as this machine's SQLite says it when it has DROP COLUMN.
BLOCKERS = {
    "index": (
        ["CREATE TABLE t (id INTEGER PRIMARY KEY, a INT)", "CREATE INDEX ix_t_a ON t (a)"],
        "error in index ix_t_a after drop column: no such column: a",
    ),
    "unique": (["CREATE TABLE t (id INTEGER PRIMARY KEY, a INT UNIQUE)"], 'cannot drop UNIQUE column: "a"'),
    "primary key": (["CREATE TABLE t (id INTEGER, a INT, PRIMARY KEY (a))"], 'cannot drop PRIMARY KEY column: "a"'),
    "foreign key": (
        [
            "CREATE TABLE p (id INTEGER PRIMARY KEY)",
            "CREATE TABLE t (id INTEGER PRIMARY KEY, a INT, CONSTRAINT fk FOREIGN KEY(a) REFERENCES p (id))",
        ],
        'error in table t after drop column: unknown column "a" in foreign key definition',
    ),
    "view": (
        ["CREATE TABLE t (id INTEGER PRIMARY KEY, a INT)", "CREATE VIEW v AS SELECT a FROM t"],
        "error in view v after drop column: no such column: a",
    ),
    "trigger": (
        [
            "CREATE TABLE t (id INTEGER PRIMARY KEY, a INT)",
            "CREATE TABLE log (x INT)",
            "CREATE TRIGGER tr AFTER UPDATE ON t BEGIN INSERT INTO log VALUES (1); UPDATE log SET x = a; END",
        ],
        "error in trigger tr: no such column: a",
    ),
}


@pytest.mark.parametrize("case", sorted(BLOCKERS))
def test_each_thing_that_blocks_a_native_drop_is_named_with_sqlites_error(case):
    setup, error = BLOCKERS[case]
    engine = sa.create_engine("sqlite://")
    with engine.connect() as connection:
        for statement in setup:
            connection.exec_driver_sql(statement)
        assert [message for _, message in sqlite_drop_blockers(connection, "t", "a")][:1] == [error]
        # The same column with nothing in its way, in a table of its own.
        connection.exec_driver_sql("CREATE TABLE free (id INTEGER PRIMARY KEY, a INT)")
        assert sqlite_drop_blockers(connection, "free", "a") == []
    engine.dispose()
    if sqlite3.sqlite_version_info >= (3, 35):
        # This SQLite has DROP COLUMN: the prediction is what it really says.
        with closing(sqlite3.connect(":memory:")) as raw:
            for statement in setup:
                raw.execute(statement)
            with pytest.raises(sqlite3.OperationalError, match=f"^{error}$".replace("(", r"\(").replace(")", r"\)")):
                raw.execute("ALTER TABLE t DROP COLUMN a")


# Loses data


def test_a_drop_of_a_column_with_values_is_counted(sqlite_url):
    tokens = ["UPDATE \"user\" SET session_token = 'x' || id WHERE id < 3"]
    upgrade_to(sqlite_url, ROOT / "migrations", "heads", *USERS, *POSTS, *tokens)
    code, output = review(sqlite_url, ROOT / "migrations", "--downgrade", "d4b7f1a9c2e5")
    assert code == 0
    assert findings_in(output, "f6c3a8e2b1d7", "downgrade") == [
        'WARNING: loses data: drop_column("user", "session_token") drops 2 values'
    ]
    code, output = review(sqlite_url, ROOT / "migrations", "--downgrade", "base")
    assert findings_in(output, "fb762c06d798", "downgrade") == [
        'WARNING: loses data: drop_table("post") drops 5 rows',
        'WARNING: loses data: drop_table("user") drops 3 rows',
    ]


def test_a_drop_of_an_empty_column_is_not_flagged(sqlite_url):
    upgrade_to(sqlite_url, ROOT / "migrations", "heads", *USERS)
    code, output = review(sqlite_url, ROOT / "migrations", "--downgrade", "d4b7f1a9c2e5")
    assert (code, findings_in(output, "f6c3a8e2b1d7", "downgrade")) == (0, [])


def solve(migrations, *names, replace=()):
    for name in names:
        add(migrations, SOLUTIONS / name, replace=replace if name == names[-1] else ())


EX1, EX2, EX3 = (
    "a1b2c3d4e501_add_user_about_me.py",
    "a1b2c3d4e502_widen_user_username.py",
    "a1b2c3d4e503_rename_user_about_me_to_bio.py",
)
RENAME_UP = 'batch_op.alter_column("about_me", new_column_name="bio", existing_type=sa.String(length=140))'
RENAME_DOWN = 'batch_op.alter_column("bio", new_column_name="about_me", existing_type=sa.String(length=140))'
DROP_BIO_ADD_ABOUT_ME = (
    'batch_op.drop_column("bio")\n        batch_op.add_column(sa.Column("about_me", sa.String(140)))'
)


def test_exercise_3s_downgrade_that_drops_bio_loses_what_the_upgrade_filled(migrations, sqlite_url):
    solve(migrations, EX1, EX2, EX3, replace=[(RENAME_DOWN, DROP_BIO_ADD_ABOUT_ME)])
    code, output = review(sqlite_url, migrations, "--all")
    assert code == 1
    assert findings_in(output, "a1b2c3d4e503", "downgrade") == [
        'ERROR: looks like a rename: "user"."bio" dropped and "user"."about_me" added',
        'ERROR: downgrade loses data: drops "user"."bio", which the upgrade filled',
    ]
    assert "see: TUTORIAL.md#getting-back-without-losing-a-row" in section(output, "a1b2c3d4e503", "downgrade")


def test_exercise_3s_solution_is_clean(migrations, sqlite_url):
    solve(migrations, EX1, EX2, EX3)
    code, output = review(sqlite_url, migrations, "--all")
    assert (code, all_findings(output)) == (0, [])


def test_exercise_3_written_as_autogenerate_writes_it_looks_like_a_rename(migrations, sqlite_url):
    add_bio = 'batch_op.add_column(sa.Column("bio", sa.String(140)))\n        batch_op.drop_column("about_me")'
    solve(migrations, EX1, EX2, EX3, replace=[(RENAME_UP, add_bio)])
    upgrade_to(sqlite_url, migrations, "a1b2c3d4e502", *USERS, "UPDATE \"user\" SET about_me = 'hi'")
    code, output = review(sqlite_url, migrations)
    assert code == 1
    lines = section(output, "a1b2c3d4e503", "upgrade")
    assert 'ERROR: looks like a rename: "user"."about_me" dropped and "user"."bio" added' in lines
    assert 'fix: rename instead: batch_op.alter_column("about_me", new_column_name="bio")' in lines
    assert "see: atlas/autogenerate-blind-spots.md#a-renamed-column-comes-out-as-drop-and-add" in lines
    assert 'WARNING: loses data: drop_column("user", "about_me") drops 3 values' in lines


def test_exercise_2s_downgrade_that_recreates_the_column_is_flagged(migrations, sqlite_url):
    narrow = 'batch_op.alter_column("username", existing_type=sa.String(length=80), type_=sa.String(length=64))'
    recreate = 'batch_op.drop_column("username")\n        batch_op.add_column(sa.Column("username", sa.String(64)))'
    solve(migrations, EX1, EX2, replace=[(narrow, recreate)])
    code, output = review(sqlite_url, migrations, "--all")
    assert code == 1
    assert findings_in(output, "a1b2c3d4e502", "downgrade") == ['ERROR: drops "user"."username" and adds it again']


# Cannot run on a table with rows


NOT_NULL = ATLAS / "not-null-on-a-table-with-rows"


def test_a_not_null_column_without_server_default_cannot_go_on_a_table_with_rows(migrations, sqlite_url):
    add(migrations, NOT_NULL / "as_generated.py", "f1e2d3c4b5a6_add_user_karma.py")
    upgrade_to(sqlite_url, migrations, HEAD, *USERS)
    code, output = review(sqlite_url, migrations)
    assert code == 1
    lines = section(output, "f1e2d3c4b5a6", "upgrade")
    title = 'cannot run on a table with rows: add_column("user", "karma") is NOT NULL without a server_default'
    assert f"ERROR: {title}" in lines
    assert 'why: "user" has 3 rows; the database has no value to put in them' in lines
    assert "see: atlas/not-null-on-a-table-with-rows.md" in lines
    # On an empty database it would run, but no database with rows would take it.
    code, output = review(sqlite_url, migrations, "--all")
    assert f"WARNING: {title}" in findings_in(output, "f1e2d3c4b5a6", "upgrade")


@pytest.mark.parametrize("fix", ["with_server_default.py", "with_backfill.py"])
def test_the_not_null_fixes_are_clean(migrations, sqlite_url, fix):
    add(migrations, NOT_NULL / fix, "f1e2d3c4b5a6_add_user_karma.py")
    upgrade_to(sqlite_url, migrations, HEAD, *USERS, *POSTS)
    code, output = review(sqlite_url, migrations)
    assert (code, all_findings(output)) == (0, [])


# Unnamed constraints, and what batch mode's rebuild loses


NOTES_TABLES = (
    'op.execute("CREATE TABLE tag (id INTEGER PRIMARY KEY, name VARCHAR(50))")\n    '
    'op.execute("CREATE TABLE note (id INTEGER PRIMARY KEY, body VARCHAR(140), tag_id INTEGER REFERENCES tag (id))")'
)
CONSTRAINT_PAGE = ATLAS / "constraint-must-have-a-name" / "2b3c4d5e6f7a_delete_notes_with_their_tag.py"


def test_an_unnamed_constraint_in_a_batch_block_is_flagged_and_linked(migrations, sqlite_url):
    write_revision(migrations, "1a2b3c4d5e6f", HEAD, NOTES_TABLES)
    # The revision as autogenerate wrote it on the page, before the fix.
    add(
        migrations,
        CONSTRAINT_PAGE,
        replace=[
            ('op.batch_alter_table("note", naming_convention=NAMING_CONVENTION)', 'op.batch_alter_table("note")'),
            ('batch_op.drop_constraint("fk_note_tag_id_tag"', "batch_op.drop_constraint(None"),
            ('batch_op.create_foreign_key("fk_note_tag_id_tag"', "batch_op.create_foreign_key(None"),
        ],
    )
    code, output = review(sqlite_url, migrations, "--all")
    assert code == 1
    lines = section(output, "2b3c4d5e6f7a", "upgrade")
    assert findings_in(output, "2b3c4d5e6f7a", "upgrade") == [
        # The revision stops there: with this app's naming convention the unnamed foreign key of
        # create_foreign_key(None, ...) would be named, but the drop has nothing to go by.
        'ERROR: unnamed constraint in a batch block: batch_op.drop_constraint(None, "note")',
    ]
    assert "see: atlas/constraint-must-have-a-name.md" in lines


def test_the_constraint_pages_fix_is_clean(migrations, sqlite_url):
    write_revision(migrations, "1a2b3c4d5e6f", HEAD, NOTES_TABLES)
    add(migrations, CONSTRAINT_PAGE)
    code, output = review(sqlite_url, migrations, "--all")
    assert (code, findings_in(output, "2b3c4d5e6f7a", "upgrade")) == (0, [])


@pytest.mark.parametrize(
    ("page", "finding"),
    [
        ("batch-loses-check-and-triggers", 'ERROR: batch mode rebuilds "tag" without what it cannot copy'),
        ("error-in-view", 'ERROR: batch mode rebuilds "user", which a view reads'),
    ],
)
def test_each_atlas_pages_broken_revision_is_flagged_and_linked_and_its_fix_is_clean(
    migrations, sqlite_url, page, finding
):
    folder = ATLAS / page
    for path in sorted(folder.glob("*.py")):
        add(migrations, path)
    code, output = review(sqlite_url, migrations, "--all")
    assert code == 1
    assert findings_in(output, "1b2c3d4e5f6a", "upgrade") == [finding]
    assert f"see: atlas/{page}.md" in section(output, "1b2c3d4e5f6a", "upgrade")
    for path in (folder / "reviewed").glob("*.py"):
        add(migrations, path)
    code, output = review(sqlite_url, migrations, "--all")
    assert (code, findings_in(output, "1b2c3d4e5f6a", "upgrade")) == (0, [])


def test_the_rebuild_names_the_trigger_and_the_check_it_loses(migrations, sqlite_url):
    for path in sorted((ATLAS / "batch-loses-check-and-triggers").glob("*.py")):
        add(migrations, path)
    lines = section(review(sqlite_url, migrations, "--all")[1], "1b2c3d4e5f6a", "upgrade")
    assert "trigger tag_lower_case is dropped with the old table" in lines
    assert any(line.startswith("Unnamed CHECK constraint on reflected table 'tag' is being omitted") for line in lines)


# A data migration that imports the app's models; a downgrade that cannot undo


def test_a_data_migration_that_imports_the_apps_models_is_flagged(migrations, sqlite_url):
    add(migrations, ATLAS / "examples" / "display_name_with_models.py", "4a5b6c7d8e9f_add_user_display_name.py")
    code, output = review(sqlite_url, migrations, "--all")
    assert code == 0
    lines = section(output, "4a5b6c7d8e9f", "upgrade")
    assert "WARNING: imports the app's models in a migration: User (from app.models)" in lines
    assert "see: atlas/data-migrations.md" in lines
    add(migrations, ATLAS / "examples" / "display_name_with_table.py", "4a5b6c7d8e9f_add_user_display_name.py")
    code, output = review(sqlite_url, migrations, "--all")
    assert (code, all_findings(output)) == (0, [])


@pytest.mark.parametrize(
    ("downgrade", "says"),
    [("pass", "does nothing"), ('raise NotImplementedError("there is no way back")', "raises")],
)
def test_a_downgrade_that_does_nothing_or_raises_cannot_be_undone(migrations, sqlite_url, downgrade, says):
    solve(
        migrations,
        EX1,
        replace=[
            ('with op.batch_alter_table("user") as batch_op:\n        batch_op.drop_column("about_me")', downgrade)
        ],
    )
    code, output = review(sqlite_url, migrations, "--all")
    assert code == 0, output
    assert findings_in(output, "a1b2c3d4e501", "upgrade") == [f"WARNING: cannot be undone: downgrade() {says}"]
    upgrade_to(sqlite_url, migrations)
    code, output = review(sqlite_url, migrations, "--downgrade", HEAD)
    assert code == 1
    assert findings_in(output, "a1b2c3d4e501", "downgrade")[0] == f"ERROR: cannot be undone: downgrade() {says}"


def test_a_downgrade_that_undoes_is_not_flagged(migrations, sqlite_url):
    solve(migrations, EX1)
    upgrade_to(sqlite_url, migrations)
    code, output = review(sqlite_url, migrations, "--downgrade", HEAD)
    assert (code, all_findings(output)) == (0, [])


# PostgreSQL: locks, squawk, and the lock-safe exhibit


def test_postgresql_names_each_lock_and_the_rows_behind_it(postgres_url):
    upgrade_to(postgres_url, ROOT / "migrations", "2145583e182a", *USERS, *POSTS)
    code, output = review(postgres_url, ROOT / "migrations")
    assert code == 0
    lines = section(output, "7c1e5b9d0a34", "upgrade")
    assert "[SHARE, 5 rows] CREATE INDEX ix_post_user_id ON post (user_id);" in lines
    assert "why: SHARE lock on post: inserts, updates and deletes wait while the index reads 5 rows" in lines
    if shutil.which("squawk") or (ROOT / ".venv" / "bin" / "squawk").exists():
        assert "squawk: require-concurrent-index-creation" in lines


def test_the_lock_safe_exhibit_takes_no_long_lock(postgres_url):
    upgrade_to(postgres_url, ROOT / "migrations", "2145583e182a", *USERS, *POSTS)
    before = database_state(postgres_url)
    code, output = review(postgres_url, ROOT / "exhibits" / "lock-safe")
    assert code == 0
    for revision in ("7c1e5b9d0a34", "e2a9d4f6b813"):
        assert findings_in(output, revision, "upgrade") == []
        assert "(statements in autocommit_block() are written, not run: they commit)" in section(
            output, revision, "upgrade"
        )
    assert "CREATE INDEX CONCURRENTLY ix_post_user_id ON post (user_id);" in " ".join(
        section(output, "7c1e5b9d0a34", "upgrade")
    )
    assert database_state(postgres_url) == before


# Autogenerate's warning


def migration_script(*table_ops):
    return alembic_ops.MigrationScript(
        "abc",
        alembic_ops.UpgradeOps(ops=[alembic_ops.ModifyTableOps("user", list(table_ops))]),
        alembic_ops.DowngradeOps(),
    )


def test_autogenerate_warns_about_a_drop_and_add_of_the_same_type(caplog):
    dropped = sa.Column("about_me", sa.VARCHAR(length=140))
    directives = [
        migration_script(
            alembic_ops.AddColumnOp("user", sa.Column("bio", sa.String(length=140))),
            alembic_ops.DropColumnOp.from_column_and_tablename(None, "user", dropped),
        )
    ]
    with caplog.at_level(logging.WARNING, logger="alembic.env"):
        warn_about_drop_and_add(None, None, directives)
    assert len(directives) == 1, "the revision is still written"
    [record] = caplog.records
    assert record.getMessage().startswith('"user"."about_me" is dropped and "user"."bio" added, with the same type')


def test_autogenerate_stays_quiet_for_different_types_and_real_renames(caplog):
    directives = [
        migration_script(
            alembic_ops.AddColumnOp("user", sa.Column("age", sa.Integer())),
            alembic_ops.DropColumnOp.from_column_and_tablename(None, "user", sa.Column("about_me", sa.String(140))),
            alembic_ops.AlterColumnOp("user", "email", modify_name="mail"),
        )
    ]
    with caplog.at_level(logging.WARNING, logger="alembic.env"):
        warn_about_drop_and_add(None, None, directives)
    assert caplog.records == []


# Every page a finding links to

# A page of the project, with or without an anchor: TUTORIAL.md#..., atlas/....md#...
LINK = re.compile(r"(?:TUTORIAL|atlas/[\w-]+)\.md(?:#[\w-]+)?")


def printed_links():
    """Every page the review's findings and autogenerate's warning can name, read from the code's strings."""
    links = set()
    for path in [*(ROOT / "app" / "dbtools" / "review").glob("*.py"), ROOT / "app" / "migrating.py"]:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                links.update(LINK.findall(node.value))
    return links


def anchors(markdown):
    """The anchors GitHub gives a Markdown file's headings: lowercase, punctuation but - dropped, spaces to -."""
    found, seen, fenced = set(), Counter(), False
    for line in markdown.splitlines():
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
        heading = re.match(r"#{1,6} (.+)", line)
        if heading and not fenced:
            slug = re.sub(r"[^\w\- ]", "", heading.group(1).strip().lower()).replace(" ", "-")
            # A second heading with the same anchor gets -1, a third -2, and so on.
            found.add(f"{slug}-{seen[slug]}" if seen[slug] else slug)
            seen[slug] += 1
    return found


def test_every_link_a_finding_prints_leads_to_a_file_and_a_heading_in_it():
    links = printed_links()
    # The links are read from the code, so that one added later is checked too; these are some known today.
    assert {
        "TUTORIAL.md#came-here-with-near-drop-syntax-error",
        "TUTORIAL.md#a-wall-every-sqlite-still-has",
        "atlas/autogenerate-blind-spots.md#a-renamed-column-comes-out-as-drop-and-add",
        "atlas/error-in-view.md",
    } <= links
    for link in sorted(links):
        page, _, anchor = link.partition("#")
        assert (ROOT / page).is_file(), f"{link}: there is no {page}"
        if anchor:
            assert anchor in anchors((ROOT / page).read_text()), f"{link}: {page} has no heading with that anchor"


def test_an_anchor_is_the_heading_as_github_writes_it():
    markdown = '## Came here with `near "DROP": syntax error`?\n```\n# not a heading\n```\n## The fix\n### The fix\n'
    assert anchors(markdown) == {"came-here-with-near-drop-syntax-error", "the-fix", "the-fix-1"}
