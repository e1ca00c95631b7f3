"""`flask seed` on big tables: batches in one transaction, progress on a terminal only, and its benchmark."""

import os
import pty
import subprocess
import sys

import pytest
import sqlalchemy as sa

from app.cli import BATCH
from app.extensions import db
from app.models import Post, User
from tests.helpers import ROOT, app_for, statements_run

# More posts than one batch: enough for a second batch, and for the progress bar.
MANY = 2 * BATCH + 5
PIPE_OUTPUT = f"Added 3 users and {MANY} posts.\nEvery sample user's password is 'password'.\n"


@pytest.fixture
def database(tmp_path):
    """The environment of a `flask` process on an SQLite file that has the tables."""
    url = f"sqlite:///{tmp_path / 'seed.sqlite'}"
    app = app_for(url)
    with app.app_context():
        db.create_all()
        db.engine.dispose()
    return {**os.environ, "DATABASE_URL": url, "FLASK_APP": "blog.py"}


def flask_seed_on_a_terminal(environment, *arguments):
    """Run `flask seed` with a pseudo-terminal as its stdin, stdout and stderr; return what the terminal showed."""
    main, secondary = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "flask", "seed", *arguments],
        cwd=ROOT,
        env=environment,
        stdin=secondary,
        stdout=secondary,
        stderr=secondary,
    )
    os.close(secondary)
    shown = b""
    while True:
        try:
            chunk = os.read(main, 4096)
        except OSError:  # Linux says EIO once the process has exited and the terminal is closed.
            break
        if not chunk:
            break
        shown += chunk
    os.close(main)
    assert process.wait() == 0, shown
    # A terminal turns each newline into a carriage return and a newline.
    return shown.decode().replace("\r\n", "\n")


@pytest.mark.slow
def test_in_a_pipe_seed_prints_its_two_lines_and_nothing_else(database):
    completed = subprocess.run(
        [sys.executable, "-m", "flask", "seed", "--users", "3", "--posts", str(MANY)],
        cwd=ROOT,
        env=database,
        capture_output=True,
        text=True,
        check=True,
    )
    assert completed.stdout == PIPE_OUTPUT
    assert completed.stderr == ""


@pytest.mark.slow
def test_on_a_terminal_a_long_seed_shows_a_progress_bar(database):
    shown = flask_seed_on_a_terminal(database, "--users", "3", "--posts", str(MANY))
    assert "Adding posts  [" in shown
    assert "100%" in shown
    assert shown.endswith(PIPE_OUTPUT)


@pytest.mark.slow
def test_on_a_terminal_the_default_seed_shows_what_the_tutorial_shows(database):
    shown = flask_seed_on_a_terminal(database)
    assert shown == "Added 10 users and 30 posts.\nEvery sample user's password is 'password'.\n"


def test_seed_sends_posts_in_batches_and_commits_once(app):
    commits = []
    with app.app_context():
        sa.event.listen(db.engine, "commit", lambda connection: commits.append(connection))
    with statements_run(with_parameters=True) as seen:
        result = app.test_cli_runner().invoke(args=["seed", "--users", "3", "--posts", str(MANY)])
    assert result.exit_code == 0, result.output
    post_batches = [len(parameters) for statement, parameters in seen if statement.startswith("INSERT INTO post")]
    assert post_batches == [BATCH, BATCH, 5]
    assert len(commits) == 1


def test_a_second_seed_tops_up_by_counting_posts_not_reading_them(app):
    runner = app.test_cli_runner()
    runner.invoke(args=["seed", "--users", "3", "--posts", str(BATCH)])
    with statements_run(lookups=True) as seen:
        result = runner.invoke(args=["seed", "--users", "3", "--posts", str(MANY)])
    assert f"Added 0 users and {MANY - BATCH} posts." in result.output
    reads_of_post = [statement for statement in seen if statement.startswith("SELECT") and "FROM post" in statement]
    assert reads_of_post and all(statement.startswith("SELECT count(post.id)") for statement in reads_of_post)
    with app.app_context():
        posts = db.session.execute(sa.select(Post.body, Post.timestamp).order_by(Post.id)).all()
    bodies, times = [post.body for post in posts], [post.timestamp for post in posts]
    # Numbered on from where the first run stopped, each later than the one before.
    assert all(earlier < later for earlier, later in zip(times, times[1:], strict=False))
    assert bodies[BATCH - 1 : BATCH + 1] == [
        f"Sample post {BATCH} by sample0002",
        f"Sample post {BATCH + 1} by sample0003",
    ]
    assert len(bodies) == MANY


def test_seed_fills_and_tops_up_every_engine(engine_app):
    with engine_app.app_context():
        db.create_all()
        runner = engine_app.test_cli_runner()
        first = runner.invoke(args=["seed", "--users", "3", "--posts", str(BATCH + 1)])
        again = runner.invoke(args=["seed", "--users", "4", "--posts", str(BATCH + 1)])
        assert first.output.startswith(f"Added 3 users and {BATCH + 1} posts."), first.output
        assert again.output.startswith("Added 1 users and 0 posts."), again.output
        counts = [db.session.scalar(sa.select(sa.func.count()).select_from(model)) for model in (User, Post)]
        assert counts == [4, BATCH + 1]


@pytest.mark.slow
def test_the_seed_benchmark_prints_a_row_per_way_and_writes_output(tmp_path):
    output = tmp_path / "seed.md"
    printed = subprocess.run(
        [sys.executable, "-m", "benchmarks.seed", "--sizes", "300", "--users", "3", "--engines", "sqlite"]
        + ["--output", str(output)],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    rows = [line.strip("|").split("|") for line in printed.splitlines() if line.startswith("| sqlite")]
    assert [cells[2].strip() for cells in rows] == ["flask seed", "executemany"]
    for cells in rows:
        assert all(cell.strip().replace(".", "").isdigit() for cell in cells[3:]), cells
    assert output.read_text() == printed
