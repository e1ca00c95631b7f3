"""app/migrating.py, the module env.py calls: its engine, its settings, its lock waits, its messages."""

import logging
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from app import migrating
from app.extensions import db
from tests.helpers import HEAD, MIGRATIONS, ROOT, app_for, copy_project, current_revision, scratch_database_on


def test_describe_names_an_sqlite_file_by_its_path_below_the_current_folder(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    url = sa.make_url(f"sqlite:///{tmp_path / 'instance' / 'blog.sqlite'}")
    assert migrating.describe(url).startswith("instance/blog.sqlite (SQLite ")


def test_describe_keeps_a_path_outside_the_current_folder_whole(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    assert migrating.describe(sa.make_url("sqlite:////elsewhere/blog.sqlite")).startswith("/elsewhere/blog.sqlite ")


def test_describe_hides_a_server_password():
    url = sa.make_url("postgresql+psycopg://deploy:s3cret@db.example.com:5432/blog")
    assert migrating.describe(url) == "postgresql+psycopg://deploy:***@db.example.com:5432/blog"


def test_sqlite_runs_the_whole_migration_in_one_transaction_with_a_foreign_key_check():
    app_engine = sa.create_engine("sqlite:///blog.sqlite")
    engine, args = migrating.engine_and_args(app_engine, {"render_as_batch": True}, {})
    assert args["transaction_per_migration"] is False
    assert args["transactional_ddl"] is True
    assert args["on_version_apply"] == [migrating.check_foreign_keys]
    assert args["render_as_batch"] is True, "the app's own Migrate() settings are kept"
    assert isinstance(engine.pool, sa.pool.NullPool)


def test_servers_run_one_transaction_per_revision_on_a_pool_free_engine():
    app_engine = sa.create_engine("postgresql+psycopg://nobody@127.0.0.1:1/none")
    engine, args = migrating.engine_and_args(app_engine, {}, {"SQLALCHEMY_ENGINE_OPTIONS": {"pool_size": 20}})
    assert args.keys() == {"transaction_per_migration", "process_revision_directives"}
    assert args["transaction_per_migration"] is True
    assert isinstance(engine.pool, sa.pool.NullPool), "pool options of the app do not apply to migrations"


def test_the_sqlite_migration_engine_waits_as_long_as_the_app_says(tmp_path):
    app_engine = sa.create_engine(f"sqlite:///{tmp_path / 'wait.sqlite'}")
    engine, _ = migrating.engine_and_args(app_engine, {}, {"SQLITE_BUSY_TIMEOUT": 7})
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 7000
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 0


def test_the_migration_engine_connects_with_the_apps_connect_args():
    with scratch_database_on("postgres") as url:
        options = {"SQLALCHEMY_ENGINE_OPTIONS": {"connect_args": {"application_name": "migrating-test"}}}
        engine, _ = migrating.engine_and_args(sa.create_engine(url), {}, options)
        with engine.connect() as connection:
            assert connection.exec_driver_sql("SHOW application_name").scalar() == "migrating-test"
        engine.dispose()


def test_a_timeout_that_is_not_a_duration_is_refused_with_what_to_give_instead():
    with scratch_database_on("postgres") as url:
        engine, _ = migrating.engine_and_args(sa.create_engine(url), {}, {})
        with engine.connect() as connection, pytest.raises(RuntimeError, match="Give a duration such as 3s"):
            migrating.prepare(connection, {"statement_timeout": "soon"})
        engine.dispose()


def test_loggers_the_app_made_still_work_after_an_in_process_upgrade(tmp_path):
    audit = logging.getLogger("myapp.audit")
    app = app_for(f"sqlite:///{tmp_path / 'logs.sqlite'}")
    with app.app_context():
        upgrade(directory=MIGRATIONS)
        db.engine.dispose()
    assert not audit.disabled
    assert not app.logger.disabled


@pytest.mark.parametrize("engine", ["sqlite", "postgres", "mariadb"])
def test_a_migration_that_waits_too_long_for_another_gives_up_with_a_clear_message(
    engine, tmp_path, monkeypatch, capsys
):
    monkeypatch.setattr(migrating, "MIGRATOR_WAIT", 1)
    if engine == "sqlite":
        holder_url = url = f"sqlite:///{tmp_path / 'busy.sqlite'}"
        app = create_waiting_app(url, {"SQLITE_BUSY_TIMEOUT": 1})
        expected = "held this SQLite database's write lock for over 1 seconds"
        take = "BEGIN IMMEDIATE"
    else:
        context = scratch_database_on(engine)
        holder_url = url = context.__enter__()
        app = create_waiting_app(url, {})
        expected = "Another process has been migrating this database for over 1 seconds"
        if engine == "postgres":
            take = f"SELECT pg_advisory_lock({migrating.MIGRATION_LOCK_KEY})"
        else:
            take = f"SELECT GET_LOCK({migrating.MIGRATION_LOCK_NAME_SQL}, 0)"
    holder = sa.create_engine(holder_url, poolclass=sa.pool.NullPool)
    try:
        with holder.connect() as connection:
            connection.exec_driver_sql(take)
            with app.app_context(), pytest.raises(SystemExit):
                upgrade(directory=MIGRATIONS)
        err = capsys.readouterr().err
        assert expected in err
        assert "nothing was applied" in err
        assert "Traceback" not in err
    finally:
        holder.dispose()
        with app.app_context():
            db.engine.dispose()
        if engine != "sqlite":
            context.__exit__(None, None, None)


def create_waiting_app(url, overrides):
    """A test app on the database with some settings changed."""
    app = app_for(url)
    app.config.update(overrides)
    return app


def test_the_mariadb_spelling_of_the_url_migrates_up_and_down_and_creates_the_check():
    with scratch_database_on("mariadb") as url:
        mariadb_url = sa.make_url(url).set(drivername="mariadb+pymysql").render_as_string(hide_password=False)
        app = app_for(mariadb_url)
        with app.app_context():
            assert db.engine.dialect.name == "mariadb"
            upgrade(directory=MIGRATIONS)
            assert current_revision() == HEAD
            downgrade(directory=MIGRATIONS, revision="base")
            with db.engine.connect() as connection:
                assert not sa.inspect(connection).has_table("user")
            db.create_all()
            with db.engine.connect() as connection:
                checks = {check["name"] for check in sa.inspect(connection).get_check_constraints("user")}
            assert "ck_user_username_chars" in checks
            db.drop_all()
            db.engine.dispose()


def test_echo_shows_each_statement_the_migration_runs(tmp_path):
    completed = subprocess.run(
        [sys.executable, "-m", "flask", "db", "upgrade", "fb762c06d798", "-x", "echo=yes"],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'echo.sqlite'}"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert completed.returncode == 0, completed.stderr
    assert "INFO  [alembic.env] CREATE TABLE user (" in completed.stderr
    assert "INFO  [alembic.env] Database: " in completed.stderr.splitlines()[0]


# Autogenerate's warning about a rename written as a drop and an add

SESSION_TOKEN = "session_token: so.Mapped[str | None] = so.mapped_column(sa.String(32))"
LOGIN_TOKEN = 'session_token: so.Mapped[str | None] = so.mapped_column("login_token", sa.String(32))'
BIO = "\n    bio: so.Mapped[str | None] = so.mapped_column(sa.String(32))"


@pytest.fixture
def project(tmp_path):
    """A copy of the project, its database at the head, where `flask db migrate` may write a revision."""
    project = tmp_path / "project"
    copy_project(ROOT, project)
    env = {**os.environ, "FLASK_APP": "blog.py", "DATABASE_URL": f"sqlite:///{tmp_path / 'blog.sqlite'}"}
    # flask is the one beside the interpreter running the tests, as in an active venv.
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env['PATH']}"
    run_flask(project, env, "db", "upgrade")
    return project, env


def run_flask(project, env, *arguments):
    """Run a flask command in the project and return what it printed on stderr, where Alembic logs."""
    completed = subprocess.run(["flask", *arguments], cwd=project, env=env, capture_output=True, text=True, timeout=120)
    assert completed.returncode == 0, completed.stderr
    return completed.stderr


def migrate_after(project, env, old, new):
    """Change app/models.py, run `flask db migrate`; return (what it logged, the revision files it wrote)."""
    models = project / "app" / "models.py"
    assert old in models.read_text(), f"app/models.py no longer contains {old!r}"
    models.write_text(models.read_text().replace(old, new))
    versions = project / "migrations" / "versions"
    before = set(versions.glob("*.py"))
    said = run_flask(project, env, "db", "migrate", "-m", "change the user")
    return said, sorted(set(versions.glob("*.py")) - before)


def test_autogenerate_warns_about_a_renamed_column_and_still_writes_the_revision(project):
    said, written = migrate_after(*project, SESSION_TOKEN, LOGIN_TOKEN)
    # alembic.ini's log format cuts the level to five letters.
    assert 'WARNI [alembic.env] "user"."session_token" is dropped and "user"."login_token" added' in said
    [revision] = written
    assert "batch_op.drop_column('session_token')" in revision.read_text()
    assert "sa.Column('login_token'" in revision.read_text()


def test_autogenerate_writes_an_added_column_without_a_warning(project):
    said, written = migrate_after(*project, SESSION_TOKEN, SESSION_TOKEN + BIO)
    assert "Detected added column 'user.bio'" in said
    assert "WARNI" not in said
    assert len(written) == 1


def test_autogenerate_still_writes_no_revision_when_nothing_changed(project):
    said, written = migrate_after(*project, SESSION_TOKEN, SESSION_TOKEN)
    assert "No changes in schema detected." in said
    assert written == []


def test_lock_retries_runs_a_revision_that_gave_up_again_until_it_gets_its_lock(monkeypatch, capsys):
    monkeypatch.setattr(migrating, "LOCK_RETRY_DELAY", 1)
    with scratch_database_on("postgres") as url:
        app = app_for(url)
        with app.app_context():
            upgrade(directory=MIGRATIONS, revision="7c1e5b9d0a34")
        reader = sa.create_engine(url, poolclass=sa.pool.NullPool)
        with reader.connect() as connection:
            connection.exec_driver_sql("SELECT count(*) FROM post").scalar()  # a report holding `post`
            # The report ends after the first try has given up, before the second.
            timer = threading.Timer(1.5, connection.rollback)
            timer.start()
            with app.app_context():
                upgrade(directory=MIGRATIONS, x_arg=["lock_timeout=1s", "lock_retries=2"])
                assert current_revision() == HEAD
                db.engine.dispose()
            timer.join()
        reader.dispose()
    err = capsys.readouterr().err
    assert "Trying again in 1 s (retry 1 of 2)." in err
    assert "retry 2 of 2" not in err


def test_without_lock_retries_a_revision_that_gave_up_stops_the_run(monkeypatch, capsys):
    with scratch_database_on("postgres") as url:
        app = app_for(url)
        with app.app_context():
            upgrade(directory=MIGRATIONS, revision="7c1e5b9d0a34")
        reader = sa.create_engine(url, poolclass=sa.pool.NullPool)
        with reader.connect() as connection:
            connection.exec_driver_sql("SELECT count(*) FROM post").scalar()
            with app.app_context(), pytest.raises(SystemExit):
                upgrade(directory=MIGRATIONS, x_arg=["lock_timeout=1s"])
            connection.rollback()
        with app.app_context():
            assert current_revision() == "7c1e5b9d0a34"
            db.engine.dispose()
        reader.dispose()
    assert "Trying again" not in capsys.readouterr().err


def test_lock_retries_that_is_not_a_number_is_refused_before_anything_runs(tmp_path, capsys):
    app = app_for(f"sqlite:///{tmp_path / 'retries.sqlite'}")
    with app.app_context(), pytest.raises(SystemExit):
        upgrade(directory=MIGRATIONS, x_arg=["lock_retries=many"])
    assert "-x lock_retries=many: give a whole number of retries, such as 3." in capsys.readouterr().err
    with app.app_context():
        with db.engine.connect() as connection:
            assert not sa.inspect(connection).has_table("user")
        db.engine.dispose()
