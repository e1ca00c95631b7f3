"""The lock-safe exhibit beside the shipped history, and squawk's lint of the SQL each revision runs."""

import contextlib
import io
import json
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from app.extensions import db
from tests.helpers import HEAD, MIGRATIONS, REVISIONS, ROOT, app_for, current_revision, wait_until

LOCK_SAFE = str(ROOT / "exhibits" / "lock-safe")
BEFORE_INDEX = "2145583e182a"
SHARED = [
    "env.py",
    "alembic.ini",
    "script.py.mako",
    "versions/fb762c06d798_create_users_and_posts.py",
    "versions/60e4d26fe43c_add_user_dummy.py",
    "versions/2145583e182a_drop_user_dummy.py",
    "versions/d4b7f1a9c2e5_enforce_username_rules.py",
    "versions/f6c3a8e2b1d7_add_user_session_token.py",
]
# Offline mode (`upgrade --sql`) writes SQL without connecting: this URL only names the dialect.
OFFLINE_URL = "postgresql://offline@127.0.0.1/offline"
# What squawk finds in the four shipped revisions that .squawk.toml leaves out by path.
SHIPPED_FINDINGS = {
    "2145583e182a": {"ban-drop-column"},
    "7c1e5b9d0a34": {"require-concurrent-index-creation"},
    "e2a9d4f6b813": {"constraint-missing-not-valid"},
    "d4b7f1a9c2e5": {"constraint-missing-not-valid"},
}
# What squawk finds in the exhibit, and why each stays: the exhibit is not linted in CI.
EXHIBIT_FINDINGS = {
    # The revisions the exhibit shares with the shipped history find what they find there.
    "2145583e182a": SHIPPED_FINDINGS["2145583e182a"],
    # IF NOT EXISTS would keep the INVALID index a failed concurrent build leaves behind;
    # the revision drops that leftover first instead.
    "7c1e5b9d0a34": {"prefer-robust-stmts"},
    # The revision drops only the NOT VALID leftover of a failed run, and adds it back in the
    # same transaction, so no row goes unchecked.
    "e2a9d4f6b813": {"ban-drop-constraint"},
    "d4b7f1a9c2e5": SHIPPED_FINDINGS["d4b7f1a9c2e5"],
}


def squawk_command():
    """Find squawk next to this Python, or on PATH; skip, or under CI=true fail, without it."""
    beside_python = Path(sys.executable).parent / "squawk"
    found = str(beside_python) if beside_python.exists() else shutil.which("squawk")
    if found is None:
        reason = "squawk comes with requirements-dev.txt (squawk-cli)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI must lint the migrations: {reason}")
        pytest.skip(reason)
    return found


def revision_sql(directory, start, end):
    """Return the PostgreSQL SQL that `flask db upgrade --sql start:end` writes for a migration directory."""
    app = app_for(OFFLINE_URL)
    with app.app_context(), contextlib.redirect_stdout(io.StringIO()) as written:
        upgrade(directory=directory, revision=f"{start}:{end}", sql=True)
    return written.getvalue()


def write_revision_sql(directory, folder):
    """Write each revision's SQL to folder/<revision>.sql, as .ci/run does, and return the paths."""
    folder.mkdir()
    paths = []
    for start, end in zip(["base", *REVISIONS], REVISIONS, strict=False):
        path = folder / f"{end}.sql"
        path.write_text(revision_sql(directory, start, end))
        paths.append(path)
    return paths


def squawk(paths):
    """Lint SQL files with the project's .squawk.toml and return {revision: {rule, ...}} of the findings."""
    completed = subprocess.run(
        [squawk_command(), "--config", str(ROOT / ".squawk.toml"), "--reporter", "json", *map(str, paths)],
        capture_output=True,
        text=True,
    )
    findings = {}
    for finding in json.loads(completed.stdout):
        findings.setdefault(Path(finding["file"]).stem, set()).add(finding["rule_name"])
    assert (completed.returncode != 0) == bool(findings), completed.stderr
    return findings


def test_offline_sql_needs_no_server():
    sql = revision_sql(MIGRATIONS, BEFORE_INDEX, "7c1e5b9d0a34")
    assert "CREATE INDEX ix_post_user_id ON post (user_id);" in sql
    assert "UPDATE alembic_version SET version_num='7c1e5b9d0a34'" in sql


def test_squawk_passes_the_shipped_history(tmp_path):
    assert squawk(write_revision_sql(MIGRATIONS, tmp_path / "migrations")) == {}


def test_squawk_config_leaves_out_only_the_finding_each_shipped_revision_keeps(tmp_path):
    # Under another folder name the path exclusions do not apply, so every finding shows.
    assert squawk(write_revision_sql(MIGRATIONS, tmp_path / "review")) == SHIPPED_FINDINGS


def test_squawk_finds_no_lock_problem_in_the_lock_safe_revisions(tmp_path):
    assert squawk(write_revision_sql(LOCK_SAFE, tmp_path / "lock-safe")) == EXHIBIT_FINDINGS


def test_squawk_fails_on_a_plain_index_in_a_new_revision(tmp_path):
    path = tmp_path / "migrations" / "abc123def456.sql"
    path.parent.mkdir()
    path.write_text("BEGIN;\nCREATE INDEX ix_post_body ON post (body);\nCOMMIT;\n")
    assert squawk([path]) == {"abc123def456": {"require-concurrent-index-creation"}}


def test_lock_safe_exhibit_keeps_the_shared_files_byte_identical():
    for name in SHARED:
        assert (Path(LOCK_SAFE) / name).read_bytes() == (Path(MIGRATIONS) / name).read_bytes(), f"{name} differs"


def test_lock_safe_exhibit_has_the_shipped_revision_ids():
    shipped = sorted(path.name for path in (Path(MIGRATIONS) / "versions").glob("*.py"))
    exhibit = sorted(path.name for path in (Path(LOCK_SAFE) / "versions").glob("*.py"))
    assert exhibit == shipped


def seed_posts():
    """Add two users and 40 posts with plain SQL, which fits every revision from fb762c06d798 on."""
    with db.engine.begin() as connection:
        connection.execute(sa.text("INSERT INTO \"user\" (username, email) VALUES ('ann', 'a@x'), ('bob', 'b@x')"))
        connection.execute(
            sa.text("INSERT INTO post (body, user_id) SELECT 'post ' || n, 1 + n % 2 FROM generate_series(1, 40) n")
        )


def post_schema():
    """Describe post as PostgreSQL has it: indexes, CHECKs with their state, and rows."""
    with db.engine.connect() as connection:
        indexes = connection.execute(
            sa.text(
                "SELECT c.relname, i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
                "WHERE i.indrelid = 'post'::regclass ORDER BY c.relname"
            )
        ).all()
        checks = connection.execute(
            sa.text(
                "SELECT conname, convalidated, pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE conrelid = 'post'::regclass AND contype = 'c' ORDER BY conname"
            )
        ).all()
        rows = connection.execute(sa.text("SELECT id, body, user_id FROM post ORDER BY id")).all()
    return {"indexes": indexes, "checks": checks, "rows": rows}


def test_both_forms_run_up_and_down_on_postgresql_and_end_in_the_same_schema(postgres_url):
    app = app_for(postgres_url)
    with app.app_context():
        upgrade(directory=MIGRATIONS, revision=BEFORE_INDEX)
        seed_posts()
        before = post_schema()
        at_head = {}
        for directory in (MIGRATIONS, LOCK_SAFE):
            upgrade(directory=directory)
            assert current_revision() == HEAD
            at_head[directory] = post_schema()
            downgrade(directory=directory, revision=BEFORE_INDEX)
            assert current_revision() == BEFORE_INDEX
            assert post_schema() == before
        db.engine.dispose()
    assert at_head[MIGRATIONS] == at_head[LOCK_SAFE]
    assert ("ix_post_user_id", True) in at_head[LOCK_SAFE]["indexes"]
    assert [(name, valid) for name, valid, _ in at_head[LOCK_SAFE]["checks"]] == [("ck_post_body_length", True)]


def test_lock_safe_exhibit_runs_up_and_down_with_rows_on_every_engine(engine_app):
    with engine_app.app_context():
        upgrade(directory=LOCK_SAFE)
        engine_app.test_cli_runner().invoke(args=["seed", "--users", "3", "--posts", "9"])
        downgrade(directory=LOCK_SAFE, revision=BEFORE_INDEX)
        assert current_revision() == BEFORE_INDEX
        upgrade(directory=LOCK_SAFE)
        assert current_revision() == HEAD
        with db.engine.connect() as connection:
            assert connection.scalar(sa.text("SELECT count(*) FROM post")) == 9
        checks = [check["name"] for check in sa.inspect(db.engine).get_check_constraints("post")]
        assert checks == ["ck_post_body_length"]


def test_lock_safe_upgrade_recovers_from_an_invalid_index_a_failed_build_left(postgres_url):
    app = app_for(postgres_url)
    with app.app_context():
        upgrade(directory=LOCK_SAFE, revision=BEFORE_INDEX)
        with db.engine.begin() as connection:
            # What a cancelled CREATE INDEX CONCURRENTLY leaves: the index, marked not valid.
            connection.execute(sa.text("CREATE INDEX ix_post_user_id ON post (body)"))
            connection.execute(
                sa.text("UPDATE pg_index SET indisvalid = false WHERE indexrelid = 'ix_post_user_id'::regclass")
            )
        upgrade(directory=LOCK_SAFE)
        assert current_revision() == HEAD
        assert ("ix_post_user_id", True) in post_schema()["indexes"]
        db.engine.dispose()


def wait_for_blocked(statement_start, seconds=10):
    """Wait until a session of this database waits for a lock while running a statement that starts so."""
    query = sa.text(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
        "AND wait_event_type = 'Lock' AND query LIKE :start"
    )

    def is_blocked():
        # A short transaction of its own: an open one would be one more that CONCURRENTLY waits for.
        with db.engine.connect() as connection:
            return bool(connection.scalar(query, {"start": statement_start + "%"}))

    wait_until(is_blocked, f"a {statement_start} waiting for its lock", seconds)


def insert_while_an_index_is_built(app, directory):
    """Build ix_post_user_id while an open write holds it up, try an INSERT meanwhile, and return its error or None."""
    errors = []

    def build():
        with app.app_context():
            try:
                # lock_timeout=0: the build waits for the open write however long it stays open.
                upgrade(directory=directory, revision="7c1e5b9d0a34", x_arg=["lock_timeout=0"])
            except Exception as error:  # Reported by the caller: a thread's error is lost otherwise.
                errors.append(error)

    insert = sa.text("INSERT INTO post (body, user_id) VALUES ('written meanwhile', 1)")
    builder = threading.Thread(target=build)
    with db.engine.connect() as writer, db.engine.connect() as other_writer:
        writer.execute(insert)  # Left uncommitted: a request in the middle of its transaction.
        builder.start()
        wait_for_blocked("CREATE INDEX")
        other_writer.execute(sa.text("SET lock_timeout = '2s'"))
        try:
            other_writer.execute(insert)
            other_writer.commit()
            outcome = None
        except sa.exc.OperationalError as error:
            other_writer.rollback()
            outcome = error
        writer.commit()
        builder.join(timeout=30)
    assert not builder.is_alive() and not errors, errors
    assert current_revision() == "7c1e5b9d0a34"
    return outcome


@pytest.mark.parametrize(
    ("directory", "blocks_writes"),
    [(MIGRATIONS, True), (LOCK_SAFE, False)],
    ids=["plain", "lock-safe"],
)
def test_only_the_concurrent_index_build_lets_writes_through_while_it_waits(postgres_url, directory, blocks_writes):
    app = app_for(postgres_url)
    with app.app_context():
        upgrade(directory=MIGRATIONS, revision=BEFORE_INDEX)
        seed_posts()
        outcome = insert_while_an_index_is_built(app, directory)
        db.engine.dispose()
    if blocks_writes:
        assert outcome is not None and "lock timeout" in str(outcome)
    else:
        assert outcome is None
