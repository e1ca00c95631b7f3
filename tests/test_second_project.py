"""TUTORIAL.md's "In your own project", followed from the page in a project this repository did not make.

The project starts in an empty folder, as the Flask Mega-Tutorial starts one: the seed's User and Post
models, `flask db init`, `flask db migrate`, `flask db upgrade`. Then the test takes the chapter's three
steps from the page itself (the file it names, the env.py diff it prints, the options it shows) and
proves in that project what the chapter promises.
"""

import os
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.helpers import ROOT, scratch_database_on
from tests.tutorial import parse

# Each test starts `flask` in the project, and the fixture builds it with three more: slow.
pytestmark = pytest.mark.slow

CHAPTER = (ROOT / "TUTORIAL.md").read_text().split("\n## In your own project\n", 1)[1].split("\n## ", 1)[0]
FLASK = Path(sys.executable).parent / "flask"

INIT = """\
import os

import sqlalchemy as sa
from flask import Flask
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()
migrate = Migrate()

app = Flask(__name__)
app.config["SQLALCHEMY_DATABASE_URI"] = os.environ.get("DATABASE_URL", "sqlite:///app.db")
db.init_app(app)
migrate.init_app(app, db)

from app import models  # noqa: E402,F401
"""
MODELS = """\
from datetime import datetime, timezone

import sqlalchemy as sa
import sqlalchemy.orm as so

from app import db


class User(db.Model):
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    username: so.Mapped[str] = so.mapped_column(sa.String(64), index=True, unique=True)
    email: so.Mapped[str] = so.mapped_column(sa.String(120), index=True, unique=True)
    password_hash: so.Mapped[str | None] = so.mapped_column(sa.String(256))
    posts: so.WriteOnlyMapped["Post"] = so.relationship(back_populates="author")


class Post(db.Model):
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    body: so.Mapped[str] = so.mapped_column(sa.String(140))
    timestamp: so.Mapped[datetime] = so.mapped_column(index=True, default=lambda: datetime.now(timezone.utc))
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey(User.id), index=True)
    author: so.Mapped[User] = so.relationship(back_populates="posts")
"""
REVISION = '''\
"""{message}"""

import sqlalchemy as sa
from alembic import op

revision = "{revision}"
down_revision = "{down_revision}"
branch_labels = None
depends_on = None


def upgrade():
{upgrade}


def downgrade():
    pass
'''


def flask(project, *arguments, database_url=None, check=True):
    """Run `flask ...` in the project, as its developer would, and return what it printed."""
    env = {name: value for name, value in os.environ.items() if name not in ("FLASK_APP", "DATABASE_URL", "CI")}
    if database_url:
        env["DATABASE_URL"] = database_url
    completed = subprocess.run([FLASK, *arguments], cwd=project, env=env, capture_output=True, text=True, timeout=300)
    assert not check or completed.returncode == 0, completed.stderr
    return completed


def apply_unified_diff(text, diff):
    """Apply a unified diff (as `flask files compare` prints it) to the text it was made from."""
    old, new, position = text.splitlines(), [], 0
    for hunk in re.split(r"^@@ .* @@$", diff, flags=re.M)[1:]:
        lines = hunk.strip("\n").splitlines()
        context = [line[1:] for line in lines if not line.startswith("+")]
        at = next(i for i in range(position, len(old)) if old[i : i + len(context)] == context)
        new += old[position:at] + [line[1:] for line in lines if not line.startswith("-")]
        position = at + len(context)
    return "\n".join(new + old[position:]) + "\n"


def follow_the_chapter(project):
    """Do the chapter's three steps in the project, taking each from the page."""
    # Step 1: the file the page names.
    (named,) = re.findall(r"\*\*Step 1: copy one file\.\*\* Copy \[`([^`]+)`\]", CHAPTER)
    shutil.copy(ROOT / named, project / "app" / Path(named).name)
    # Step 2: the lines the page's comparison prints, into the project's own env.py.
    (compare,) = [command for command in parse(CHAPTER) if command.text.startswith("flask files compare")]
    env_py = project / "migrations" / "env.py"
    env_py.write_text(apply_unified_diff(env_py.read_text(), "\n".join(compare.expected)))
    # Step 3: the options the page shows, where the project creates its extensions.
    (options,) = re.findall(r"\*\*Step 3: set these options\*\*.*?```python\n(.*?)```", CHAPTER, flags=re.S)
    init = project / "app" / "__init__.py"
    init.write_text(init.read_text().replace("db = SQLAlchemy()\nmigrate = Migrate()\n", options))


def add_revision(project, revision, down_revision, upgrade, message="change"):
    """Write a revision into the project's history."""
    body = textwrap.indent(textwrap.dedent(upgrade).strip(), "    ")
    text = REVISION.format(message=message, revision=revision, down_revision=down_revision, upgrade=body)
    (project / "migrations" / "versions" / f"{revision}_change.py").write_text(text)


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    """A Mega-Tutorial-style project made from an empty folder, then given the chapter's three steps."""
    project = tmp_path_factory.mktemp("second") / "microblog"
    (project / "app").mkdir(parents=True)
    (project / "app" / "__init__.py").write_text(INIT)
    (project / "app" / "models.py").write_text(MODELS)
    (project / "microblog.py").write_text("from app import app  # noqa: F401\n")
    (project / ".flaskenv").write_text("FLASK_APP=microblog.py\n")
    flask(project, "db", "init")
    flask(project, "db", "migrate", "-m", "users and posts", "--rev-id", "0001")
    flask(project, "db", "upgrade")
    follow_the_chapter(project)
    return project


def current(project, database_url=None):
    """The revision the project's database is at, as `flask db current` says."""
    output = flask(project, "db", "current", database_url=database_url).stdout.split()
    return output[0] if output else None


def test_the_chapter_leaves_env_py_the_template_plus_its_lines_and_names_the_database(project):
    env_py = (project / "migrations" / "env.py").read_text()
    assert "from app import migrating" in env_py
    assert "disable_existing_loggers=False" in env_py
    assert "INFO  [alembic.env] Database: instance/app.db (SQLite " in flask(project, "db", "current").stderr


def test_a_failing_revision_leaves_sqlite_at_the_revision_before_it(project):
    add_revision(
        project,
        "0002",
        "0001",
        'op.add_column("user", sa.Column("about_me", sa.String(140)))\nop.execute("SELECT no_such_column FROM user")',
    )
    try:
        failed = flask(project, "db", "upgrade", check=False)
        assert failed.returncode == 1
        assert current(project) == "0001"
        engine = sa.create_engine(f"sqlite:///{project / 'instance' / 'app.db'}")
        with engine.connect() as connection:
            assert "about_me" not in {column["name"] for column in sa.inspect(connection).get_columns("user")}
        engine.dispose()
    finally:
        (project / "migrations" / "versions" / "0002_change.py").unlink()


def test_the_foreign_key_check_refuses_a_revision_that_breaks_keys(project):
    add_revision(
        project,
        "0002",
        "0001",
        "op.execute(\"INSERT INTO post (body, timestamp, user_id) VALUES ('orphan', CURRENT_TIMESTAMP, 999)\")",
    )
    try:
        failed = flask(project, "db", "upgrade", check=False)
        assert failed.returncode == 1
        assert "Rolled back the whole run: 0002 breaks foreign keys: post row 1 (no such user)" in failed.stderr
        assert current(project) == "0001"
    finally:
        (project / "migrations" / "versions" / "0002_change.py").unlink()


def test_echo_shows_the_sql(project):
    add_revision(project, "0002", "0001", 'op.create_index("ix_user_password_hash", "user", ["password_hash"])')
    try:
        shown = flask(project, "db", "upgrade", "-x", "echo=yes").stderr
        assert "INFO  [alembic.env] CREATE INDEX ix_user_password_hash ON user (password_hash)" in shown
        flask(project, "db", "downgrade")  # An empty downgrade: the index stays, which is harmless here.
    finally:
        (project / "migrations" / "versions" / "0002_change.py").unlink()
        flask(project, "db", "stamp", "0001")


def test_the_apps_loggers_survive_an_in_process_upgrade(project):
    script = (
        "import logging\n"
        "audit = logging.getLogger('myapp.audit')\n"
        "from flask_migrate import upgrade\n"
        "from app import app\n"
        "with app.app_context():\n"
        "    upgrade()\n"
        "print('disabled' if audit.disabled else 'enabled')\n"
    )
    completed = subprocess.run([sys.executable, "-c", script], cwd=project, capture_output=True, text=True, timeout=120)
    assert completed.stdout.strip() == "enabled", completed.stderr


@pytest.mark.parametrize("engine", ["sqlite", "postgres", "mariadb"])
def test_eight_upgrades_started_together_all_succeed(project, engine, tmp_path):
    def run(database_url):
        env = {name: value for name, value in os.environ.items() if name not in ("FLASK_APP", "CI")}
        env["DATABASE_URL"] = database_url
        processes = [
            subprocess.Popen(
                [FLASK, "db", "upgrade"],
                cwd=project,
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for _ in range(8)
        ]
        results = [(process.communicate(timeout=300)[1], process.returncode) for process in processes]
        assert [code for _, code in results] == [0] * 8, [stderr for stderr, code in results if code][:1]
        assert sum("Running upgrade  -> 0001" in stderr for stderr, _ in results) == 1
        assert current(project, database_url) == "0001"

    if engine == "sqlite":
        run(f"sqlite:///{tmp_path / 'together.sqlite'}")
    else:
        with scratch_database_on(engine) as url:
            run(url)


def test_lock_timeout_stops_a_blocked_revision_on_postgresql(project):
    add_revision(project, "0002", "0001", 'op.add_column("post", sa.Column("title", sa.String(80)))')
    try:
        with scratch_database_on("postgres") as url:
            flask(project, "db", "upgrade", "0001", database_url=url)
            engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
            with engine.connect() as reader:
                reader.exec_driver_sql("SELECT count(*) FROM post").scalar()  # holds a lock on post
                blocked = flask(project, "db", "upgrade", "-x", "lock_timeout=1s", database_url=url, check=False)
                reader.rollback()
            engine.dispose()
            assert blocked.returncode == 1
            assert "could not lock a table it changes within lock_timeout (1s)" in blocked.stderr
            assert current(project, url) == "0001"
    finally:
        (project / "migrations" / "versions" / "0002_change.py").unlink()
