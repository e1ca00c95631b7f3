"""The classroom exercises' self-checks refuse the wrong answers a class really writes, and accept the right ones."""

import os
import shutil
import subprocess
import sys
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from wtforms.validators import Length

from app.auth.forms import RegistrationForm
from app.cli import SAMPLE_PASSWORD
from app.extensions import db
from app.models import Post, User
from config import TestConfig
from exercises.check.cli import main
from exercises.check.databases import check_adoption, check_recovery, set_up_exercise5, set_up_exercise7
from exercises.check.history import check_branches, check_exercise
from exercises.check.project import BEFORE_NAIVE, NAIVE_REVISION, SHIPPED_HEAD, Outcome, Project, Status, Trouble
from exercises.check.scratch import database_app, migrate, scratch_app
from exercises.check.tables import seed_rows
from tests.helpers import ROOT, TYPE_CHANGE_ERROR, copy_project

SOLUTIONS = ROOT / "exercises" / "solutions"
# Which reference revisions solve which exercise; 5 and 7 are solved with commands, not files.
SOLUTION_FILES = {
    1: ["a1b2c3d4e501_add_user_about_me.py"],
    2: ["a1b2c3d4e502_widen_user_username.py"],
    3: ["a1b2c3d4e503_rename_user_about_me_to_bio.py"],
    4: ["a1b2c3d4e504_add_user_post_count.py"],
    6: ["a1b2c3d4e601_add_user_location.py", "a1b2c3d4e602_add_post_language.py", "a1b2c3d4e603_merge.py"],
}


@pytest.fixture
def project(migrations, tmp_path):
    """The student's project: those migrations, its exercise databases under instance/, and the test settings."""
    # Real password hashing takes a third of a second per setup; the test settings hash quickly.
    return Project(tmp_path, config=TestConfig)


def solve(migrations, *exercises):
    """Copy the reference revisions of these exercises into the student's migrations."""
    for exercise in exercises:
        for name in SOLUTION_FILES[exercise]:
            shutil.copy(SOLUTIONS / name, migrations / "versions" / name)


def rewrite(migrations, exercise, old, new, which=0):
    """Change a copied reference revision into a wrong answer, failing loudly if the text is not there."""
    path = migrations / "versions" / SOLUTION_FILES[exercise][which]
    text = path.read_text()
    assert old in text, f"{path.name} no longer contains {old!r}"
    path.write_text(text.replace(old, new))


def add_revision(migrations, name, body):
    """Write a student's revision file."""
    (migrations / "versions" / f"{name}.py").write_text(body)


# Exercises 1 to 4: found wherever they are, and tested alone


@pytest.mark.parametrize("exercise", [1, 2, 3, 4])
def test_each_check_is_not_started_before_and_passes_with_solutions_up_to_its_own(project, migrations, exercise):
    solve(migrations, *range(1, exercise))
    assert check_exercise(project, exercise) == Outcome(
        Status.NOT_STARTED, [f"no revision after {SHIPPED_HEAD} does exercise {exercise} yet"]
    )
    solve(migrations, exercise)
    assert check_exercise(project, exercise) == Outcome(Status.PASSED)


@pytest.mark.parametrize("done", [(1, 2, 3, 4), (1, 2, 3, 4, 6)])
def test_later_exercises_do_not_undo_earlier_checks(project, migrations, done):
    solve(migrations, *done)
    assert [check_exercise(project, n).status for n in (1, 2, 3, 4)] == [Status.PASSED] * 4


def test_ex1_refuses_the_wrong_type(project, migrations):
    solve(migrations, 1)
    rewrite(migrations, 1, 'sa.Column("about_me", sa.String(length=140)', 'sa.Column("about_me", sa.String(length=100)')
    assert check_exercise(project, 1).problems == [
        "revision a1b2c3d4e501, upgrade: user.about_me is VARCHAR(100), not VARCHAR(140)"
    ]


def test_ex1_refuses_a_downgrade_that_does_nothing(project, migrations):
    solve(migrations, 1)
    rewrite(migrations, 1, 'batch_op.drop_column("about_me")', "pass")
    assert check_exercise(project, 1).problems == ["revision a1b2c3d4e501, downgrade: user.about_me is still there"]


def test_ex1_refuses_a_downgrade_that_deletes_rows(project, migrations):
    solve(migrations, 1)
    rewrite(
        migrations,
        1,
        'batch_op.drop_column("about_me")',
        'batch_op.drop_column("about_me")\n    op.execute("DELETE FROM post WHERE id > 20")',
    )
    assert check_exercise(project, 1).problems == ["revision a1b2c3d4e501, downgrade: post has 20 rows, it had 30"]


def test_ex2_written_the_old_way_fails_with_sqlites_own_message(project, migrations):
    solve(migrations, 1, 2)
    rewrite(
        migrations,
        2,
        'with op.batch_alter_table("user") as batch_op:\n        batch_op.alter_column("username",',
        'op.alter_column("user", "username",',
    )
    [problem] = check_exercise(project, 2).problems
    assert problem.startswith("revision a1b2c3d4e502, upgrade failed: ")
    assert TYPE_CHANGE_ERROR in problem


def test_ex2_refuses_a_downgrade_that_loses_usernames(project, migrations):
    solve(migrations, 1, 2)
    narrow = 'batch_op.alter_column("username", existing_type=sa.String(length=80), type_=sa.String(length=64))'
    recreate = 'batch_op.drop_column("username")\n        batch_op.add_column(sa.Column("username", sa.String(64)))'
    rewrite(migrations, 2, narrow, recreate)
    assert check_exercise(project, 2).problems == ["revision a1b2c3d4e502, downgrade: user.username lost its texts"]


def test_ex2_refuses_a_downgrade_that_keeps_the_wide_column(project, migrations):
    solve(migrations, 1, 2)
    rewrite(migrations, 2, "type_=sa.String(length=64)", "type_=sa.String(length=80)")
    assert check_exercise(project, 2).problems == [
        "revision a1b2c3d4e502, downgrade: user.username is VARCHAR(80), not VARCHAR(64)"
    ]


def test_ex2_refuses_the_wrong_width(project, migrations):
    solve(migrations, 1, 2)
    rewrite(migrations, 2, "type_=sa.String(length=80)", "type_=sa.String(length=100)")
    assert check_exercise(project, 2).problems == [
        "revision a1b2c3d4e502, upgrade: user.username is VARCHAR(100), not VARCHAR(80)"
    ]


def test_ex3_refuses_the_rename_autogenerate_writes(project, migrations):
    solve(migrations, 1, 2, 3)
    rename = 'batch_op.alter_column("about_me", new_column_name="bio", existing_type=sa.String(length=140))'
    rewrite(
        migrations,
        3,
        rename,
        'batch_op.add_column(sa.Column("bio", sa.String(140)))\n        batch_op.drop_column("about_me")',
    )
    back = 'batch_op.alter_column("bio", new_column_name="about_me", existing_type=sa.String(length=140))'
    rewrite(
        migrations,
        3,
        back,
        'batch_op.drop_column("bio")\n        batch_op.add_column(sa.Column("about_me", sa.String(140)))',
    )
    assert check_exercise(project, 3).problems == [
        "revision a1b2c3d4e503, upgrade: user.bio lost its texts",
        "revision a1b2c3d4e503, downgrade: user.about_me lost its texts",
    ]


def test_ex3_refuses_a_downgrade_that_drops_bio_and_adds_an_empty_about_me(project, migrations):
    solve(migrations, 1, 2, 3)
    back = 'batch_op.alter_column("bio", new_column_name="about_me", existing_type=sa.String(length=140))'
    rewrite(
        migrations,
        3,
        back,
        'batch_op.drop_column("bio")\n        batch_op.add_column(sa.Column("about_me", sa.String(140)))',
    )
    assert check_exercise(project, 3).problems == ["revision a1b2c3d4e503, downgrade: user.about_me lost its texts"]


def test_ex3_refuses_a_copy_that_keeps_about_me(project, migrations):
    solve(migrations, 1, 2, 3)
    rename = 'batch_op.alter_column("about_me", new_column_name="bio", existing_type=sa.String(length=140))'
    copy = 'batch_op.add_column(sa.Column("bio", sa.String(140)))\n    op.execute(\'UPDATE "user" SET bio = about_me\')'
    rewrite(migrations, 3, rename, copy)
    rewrite(
        migrations,
        3,
        'batch_op.alter_column("bio", new_column_name="about_me", existing_type=sa.String(length=140))',
        'batch_op.drop_column("bio")',
    )
    assert check_exercise(project, 3).problems == ["revision a1b2c3d4e503, upgrade: user.about_me is still there"]


ONE_UPDATE = 'op.execute(\'UPDATE "user" SET post_count = (SELECT count(*) FROM post WHERE post.user_id = "user".id)\')'
# Wrong answers to exercise 4: each gets the counts right, but from Python, one user at a time.
LOOP_OF_UPDATES = """bind = op.get_bind()
    for user_id in bind.scalars(sa.text('SELECT id FROM "user"')).all():
        count = "(SELECT count(*) FROM post WHERE user_id = :id)"
        bind.execute(sa.text(f'UPDATE "user" SET post_count = {count} WHERE id = :id'), {"id": user_id})"""
EXECUTEMANY = """bind = op.get_bind()
    counts = bind.execute(sa.text(
        'SELECT "user".id, count(post.id) FROM "user" LEFT JOIN post ON post.user_id = "user".id GROUP BY "user".id'
    )).all()
    update = sa.text('UPDATE "user" SET post_count = :n WHERE id = :id')
    bind.execute(update, [{"n": n, "id": user_id} for user_id, n in counts])"""
LOOP_OF_COUNTS = """bind = op.get_bind()
    cases = []
    for user_id in bind.scalars(sa.text('SELECT id FROM "user"')).all():
        n = bind.scalar(sa.text("SELECT count(*) FROM post WHERE user_id = :id"), {"id": user_id})
        cases.append(f"WHEN {user_id} THEN {n}")
    op.execute(f'UPDATE "user" SET post_count = CASE id {" ".join(cases)} END')"""


@pytest.mark.parametrize(
    ("python", "problem"),
    [
        (LOOP_OF_UPDATES, "user.post_count is filled by 10 UPDATE statements, one per user; use one"),
        (EXECUTEMANY, "user.post_count is filled by executemany, one row at a time; use one UPDATE"),
        (LOOP_OF_COUNTS, "user.post_count is counted in a Python loop over users; let one UPDATE count"),
    ],
)
def test_ex4_refuses_row_by_row_work_from_python(project, migrations, python, problem):
    solve(migrations, 1, 2, 3, 4)
    rewrite(migrations, 4, ONE_UPDATE, python)
    assert check_exercise(project, 4).problems == [f"revision a1b2c3d4e504, upgrade: {problem}"]


def test_ex4_refuses_wrong_counts_and_missing_counts(project, migrations):
    solve(migrations, 1, 2, 3, 4)
    rewrite(migrations, 4, ' WHERE post.user_id = "user".id', "")
    assert check_exercise(project, 4).problems == [
        "revision a1b2c3d4e504, upgrade: user.post_count changed 10 of its numbers"
    ]
    rewrite(migrations, 4, ONE_UPDATE.replace(' WHERE post.user_id = "user".id', ""), "")
    assert check_exercise(project, 4).problems == ["revision a1b2c3d4e504, upgrade: user.post_count lost its numbers"]


def test_ex4_passes_on_its_own_after_the_shipped_head(project, migrations):
    solve(migrations, 4)
    rewrite(migrations, 4, 'down_revision = "a1b2c3d4e503"', f'down_revision = "{SHIPPED_HEAD}"')
    assert check_exercise(project, 4) == Outcome(Status.PASSED)
    assert check_exercise(project, 1).status == Status.NOT_STARTED


def test_a_broken_revision_is_named_and_stops_only_the_checks_it_blocks(project, migrations):
    solve(migrations, 1, 2)
    rewrite(
        migrations,
        2,
        "type_=sa.String(length=80)",
        "type_=sa.String(length=80), nullable=False, existing_nullable=False, server_default=sa.text('nope(')",
    )
    assert check_exercise(project, 1) == Outcome(Status.PASSED)
    outcome = check_exercise(project, 3)
    assert outcome.status == Status.NOT_YET
    [problem] = outcome.problems
    assert problem.startswith("revision a1b2c3d4e502, upgrade failed: ")


def test_unreadable_revisions_give_a_message_not_a_traceback(project, migrations):
    add_revision(
        migrations, "deadbeef0001_broken", 'revision = "deadbeef0001"\ndown_revision = "f6c3a8e2b1d7"\ndef upgrade(:\n'
    )
    outcome = check_exercise(project, 1)
    assert outcome.status == Status.NOT_YET
    assert outcome.problems[0].startswith("the revisions in migrations/versions cannot be read: ")


# Exercise 6: two branches, two heads


def test_ex6_passes_after_exercises_1_to_4_and_alone(project, migrations):
    solve(migrations, 1, 2, 3, 4, 6)
    assert check_branches(project) == Outcome(Status.PASSED)


def test_ex6_passes_on_top_of_the_shipped_head(project, migrations):
    solve(migrations, 6)
    for which in (0, 1):
        rewrite(migrations, 6, 'down_revision = "a1b2c3d4e504"', f'down_revision = "{SHIPPED_HEAD}"', which)
    assert check_branches(project) == Outcome(Status.PASSED)


def test_ex6_is_not_started_without_the_branch_revisions(project, migrations):
    solve(migrations, 1, 2, 3, 4)
    assert check_branches(project).status == Status.NOT_STARTED


def test_ex6_refuses_two_heads(project, migrations):
    solve(migrations, 1, 2, 3, 4, 6)
    (migrations / "versions" / SOLUTION_FILES[6][2]).unlink()
    [problem] = check_branches(project).problems
    assert problem.startswith("there are 2 heads (a1b2c3d4e601, a1b2c3d4e602)")
    assert "flask db merge heads" in problem


def test_ex6_refuses_deleting_one_branchs_revision(project, migrations):
    solve(migrations, 1, 2, 3, 4, 6)
    (migrations / "versions" / SOLUTION_FILES[6][1]).unlink()
    (migrations / "versions" / SOLUTION_FILES[6][2]).unlink()
    assert check_branches(project) == Outcome(
        Status.NOT_YET, ["no revision adds post.language: keep both branches' revisions, each is someone's work"]
    )


def test_ex6_refuses_re_pointing_a_down_revision(project, migrations):
    solve(migrations, 1, 2, 3, 4, 6)
    (migrations / "versions" / SOLUTION_FILES[6][2]).unlink()
    rewrite(migrations, 6, 'down_revision = "a1b2c3d4e504"', 'down_revision = "a1b2c3d4e601"', which=1)
    [problem] = check_branches(project).problems
    assert problem.startswith("revision a1b2c3d4e602 now revises a1b2c3d4e601: its down_revision was re-pointed")


def test_ex6_refuses_a_merge_that_loses_data(project, migrations):
    solve(migrations, 1, 2, 3, 4, 6)
    rewrite(
        migrations,
        6,
        "def downgrade():\n    pass",
        'def downgrade():\n    op.execute("UPDATE post SET language = NULL")',
        2,
    )
    rewrite(migrations, 6, 'revision = "a1b2c3d4e603"', 'from alembic import op\n\nrevision = "a1b2c3d4e603"', 2)
    assert check_branches(project).problems == ["revision a1b2c3d4e603, downgrade: post.language lost its texts"]


# Exercise 5: recover, not rebuild


def recover(project):
    """Do what 05_recover.md says: stamp the half-applied revision, then downgrade it properly."""
    with database_app(project.exercise5, project.config):
        migrate("stamp", project.fixed, NAIVE_REVISION)
        migrate("downgrade", project.fixed, BEFORE_NAIVE)


@pytest.fixture
def exercise5(project):
    """The exercise 5 database, as --setup makes it."""
    return set_up_exercise5(project)


def test_ex5_is_not_started_without_its_database(project):
    assert check_recovery(project).status == Status.NOT_STARTED


def test_ex5_refuses_the_broken_database_and_accepts_the_recovery(project, exercise5, migrations):
    assert check_recovery(project).problems == [
        "the tables do not match revision 60e4d26fe43c, which the database reports "
        "(revision 60e4d26fe43c: user.about_me is still there)"
    ]
    recover(project)
    assert check_recovery(project) == Outcome(Status.PASSED)
    with database_app(exercise5, project.config):
        migrate("upgrade", migrations, SHIPPED_HEAD)  # Going on to the shipped head afterwards is fine too.
    assert check_recovery(project) == Outcome(Status.PASSED)


def test_ex5_refuses_a_stamp_without_the_downgrade(project, exercise5):
    with database_app(exercise5, project.config):
        migrate("stamp", project.fixed, NAIVE_REVISION)
    [problem] = check_recovery(project).problems
    assert "user.dummy is VARCHAR(20), not VARCHAR(40)" in problem


def test_ex5_refuses_a_rebuilt_database(project, exercise5, migrations):
    exercise5.unlink()
    with database_app(exercise5, project.config) as app:
        migrate("upgrade", migrations, SHIPPED_HEAD)
        assert app.test_cli_runner().invoke(args=["seed"]).exit_code == 0
    assert check_recovery(project).problems == [
        "the users and posts are not the ones --setup made (their password salts or timestamps differ): "
        "the database was rebuilt, or its rows were changed"
    ]


def test_ex5_refuses_a_copy_of_another_database(project, exercise5, tmp_path):
    other = replace(project, exercise5=tmp_path / "other" / "exercise5.sqlite")
    set_up_exercise5(other)
    recover(other)
    shutil.copy(other.exercise5, exercise5)
    assert "not the ones --setup made" in check_recovery(project).problems[0]


def test_ex5_refuses_lost_rows(project, exercise5):
    recover(project)
    with database_app(exercise5, project.config), db.engine.begin() as connection:
        connection.exec_driver_sql("DELETE FROM post WHERE id = 7")
    assert check_recovery(project).problems == ["post has 29 rows, it had 30"]


def test_ex5_setup_ignores_a_broken_student_revision(project, migrations):
    add_revision(migrations, "deadbeef0001_broken", 'revision = "deadbeef0001"\ndown_revision = "nowhere"\n')
    solve(migrations, 1)
    set_up_exercise5(project)
    recover(project)
    assert check_recovery(project) == Outcome(Status.PASSED)


# Exercise 7: adopt a database made by db.create_all()


@pytest.fixture
def exercise7(project):
    """The exercise 7 database, as --setup makes it."""
    return set_up_exercise7(project)


def test_ex7_refuses_an_unstamped_database_and_accepts_stamp_head(project, exercise7, migrations):
    assert check_adoption(project).problems == [
        "it has no alembic_version table: once its tables match, run `flask db stamp head`"
    ]
    with database_app(exercise7, project.config):
        migrate("stamp", migrations, "head")
    assert check_adoption(project) == Outcome(Status.PASSED)


def test_ex7_setup_rows_are_rows_the_app_can_read(project, exercise7):
    with database_app(exercise7, project.config):
        posts = db.session.scalars(sa.select(Post).order_by(Post.id)).all()
        assert len(posts) == 30
        assert all(isinstance(post.timestamp, datetime) for post in posts)
        assert db.session.get(User, 1).check_password(SAMPLE_PASSWORD)
        db.session.remove()


def test_ex7_upgrade_fails_because_the_tables_exist(project, exercise7, migrations):
    with database_app(exercise7, project.config), pytest.raises(Trouble, match="table user already exists"):
        migrate("upgrade", migrations, "head")


def test_ex7_refuses_a_stamp_at_the_wrong_revision(project, exercise7, migrations):
    with database_app(exercise7, project.config):
        migrate("stamp", migrations, "7c1e5b9d0a34")
    assert check_adoption(project).problems == [
        f"it is stamped at 7c1e5b9d0a34, but the head is {SHIPPED_HEAD}: stamp head"
    ]


def test_ex7_refuses_a_rebuilt_database(project, exercise7, migrations):
    exercise7.unlink()
    with database_app(exercise7, project.config):
        migrate("upgrade", migrations, "head")
        seed_rows()
    assert "not the ones --setup made" in check_adoption(project).problems[0]


def test_ex7_refuses_tables_that_differ_from_the_migrations(project, exercise7, migrations):
    with database_app(exercise7, project.config), db.engine.begin() as connection:
        connection.exec_driver_sql("DROP INDEX ix_post_user_id")
    with database_app(exercise7, project.config):
        migrate("stamp", migrations, "head")
    assert check_adoption(project).problems == [
        f"its tables differ from what `flask db upgrade` builds at {SHIPPED_HEAD} (indexes or constraints differ)"
    ]


# The command line


def test_one_check_prints_its_status_without_a_traceback(project, capsys):
    assert main(["1"], project) == 1
    assert capsys.readouterr().out == (
        f"Exercise 1: not started.\n  - no revision after {SHIPPED_HEAD} does exercise 1 yet\n"
    )
    with pytest.raises(SystemExit) as refused:
        main(["2", "--setup"], project)
    assert refused.value.code == 2
    assert "only exercises 5 and 7 have a --setup step" in capsys.readouterr().err


def test_check_all_prints_progress_and_fails_until_everything_passes(project, migrations, capsys):
    solve(migrations, 1, 2, 3)
    assert main(["5", "--setup"], project) == 0
    assert main(["all"], project) == 1
    out = capsys.readouterr().out
    assert "[x] 1. Add a column, with data present: passed" in out
    assert "[x] 3. Rename a column, keeping its data: passed" in out
    assert "[ ] 4. A data migration: not started" in out
    assert "[ ] 5. Recover from a failed migration: not yet\n      - the tables do not match" in out
    assert "[ ] 7. Adopt a database made by db.create_all(): not started" in out
    assert out.endswith("3 of 7 passed.\n")


def test_check_all_passes_when_every_exercise_is_done(project, migrations, capsys):
    solve(migrations, 1, 2, 3, 4, 6)
    main(["5", "--setup"], project)
    recover(project)
    # The app's models would match this head after exercises 1 to 6; here the tables come from the head itself.
    with scratch_app(project.config):
        migrate("upgrade", migrations, "head")
        models = sa.MetaData()
        models.reflect(db.engine)
        models.remove(models.tables["alembic_version"])
    set_up_exercise7(project, models)
    assert main(["all"], project) == 1
    with database_app(project.exercise7, project.config):
        migrate("stamp", migrations, "head")
    assert main(["all"], project) == 0
    assert capsys.readouterr().out.endswith("7 of 7 passed.\n")


def test_setup_with_a_broken_student_revision_gives_no_traceback(project, migrations, capsys):
    add_revision(
        migrations, "deadbeef0001_broken", 'revision = "deadbeef0001"\ndown_revision = "f6c3a8e2b1d7"\nx = (\n'
    )
    assert main(["5", "--setup"], project) == 0
    assert main(["7", "--setup"], project) == 0
    assert main(["1"], project) == 1
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    assert "Created instance/exercise5.sqlite" in out
    assert "the revisions in migrations/versions cannot be read" in out


def test_setup_hashes_passwords_with_the_projects_settings(project):
    assert main(["7", "--setup"], project) == 0
    with database_app(project.exercise7, project.config), db.engine.connect() as connection:
        password_hash = connection.scalar(sa.text('SELECT password_hash FROM "user" WHERE id = 1'))
    assert password_hash.startswith(f"{TestConfig.PASSWORD_HASH_METHOD}$")


def test_registration_form_takes_its_lengths_from_the_columns():
    def longest(field):
        return next(v.max for v in getattr(RegistrationForm, field).kwargs["validators"] if isinstance(v, Length))

    assert longest("username") == User.__table__.c.username.type.length
    assert longest("email") == User.__table__.c.email.type.length


# Real processes: the documented commands, as a student types them

# The interpreter running the tests, and the flask script installed beside it: never whatever PATH finds first.
PYTHON = f'"{sys.executable}"'
FLASK = f'"{Path(sys.executable).with_name("flask")}"'


def run(command, cwd, env, check_result=True):
    """Run a command in the student's project and return what it printed."""
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=120, shell=True)
    if check_result:
        assert done.returncode == 0, f"{command}\n{done.stdout}\n{done.stderr}"
    return done.stdout + done.stderr


@pytest.fixture
def clone(tmp_path):
    """A git repository with the project's files committed on main, and an environment to run flask in it."""
    project = tmp_path / "project"
    project.mkdir()
    copy_project(ROOT, project)
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "FLASK_APP", "PYTHONPATH")}
    env.update(FLASK_APP="blog.py")
    env.update(GIT_AUTHOR_NAME="s", GIT_AUTHOR_EMAIL="s@example.com", GIT_COMMITTER_NAME="s")
    env.update(GIT_COMMITTER_EMAIL="s@example.com")
    run("git init -q -b main && git add -A && git commit -q -m shipped", project, env)
    return project, env


@pytest.mark.slow
def test_the_documented_reset_path_brings_main_back(clone):
    project, env = clone
    readme = (ROOT / "exercises" / "README.md").read_text()
    for documented in ("git switch -c exercises", f"flask db downgrade {SHIPPED_HEAD}", "git switch main"):
        assert documented in readme
    run(f"{FLASK} db upgrade && {FLASK} seed", project, env)
    rows = run(f"{FLASK} rows", project, env)
    run("git switch -q -c exercises", project, env)
    for name in [name for exercise in (1, 2, 3, 4) for name in SOLUTION_FILES[exercise]]:
        shutil.copy(SOLUTIONS / name, project / "migrations" / "versions" / name)
    run(f"git add -A && git commit -q -m 'exercises 1 to 4' && {FLASK} db upgrade", project, env)

    # Done right: downgrade while the branch still has the revisions, then switch.
    run(f"{FLASK} db downgrade {SHIPPED_HEAD} && git switch -q main", project, env)
    assert f"{SHIPPED_HEAD} (head)" in run(f"{FLASK} db current", project, env)
    assert run(f"{FLASK} rows", project, env) == rows

    # Switched too early: main cannot read the database's revision, until the branch undoes it.
    run(f"git switch -q exercises && {FLASK} db upgrade && git switch -q main", project, env)
    assert "Can't locate revision identified by 'a1b2c3d4e504'" in run(f"{FLASK} db current", project, env, False)
    run(f"git switch -q exercises && {FLASK} db downgrade {SHIPPED_HEAD} && git switch -q main", project, env)
    assert f"{SHIPPED_HEAD} (head)" in run(f"{FLASK} db current", project, env)
    assert run(f"{FLASK} rows", project, env) == rows


@pytest.mark.slow
def test_the_command_line_never_shows_a_traceback(clone):
    project, env = clone
    (project / "migrations" / "versions" / "deadbeef0001_broken.py").write_text("revision = (\n")
    python = f"{PYTHON} -m exercises.check"
    setup = run(f"{python} 5 --setup", project, env)
    assert setup.strip() == "Created instance/exercise5.sqlite. Its last migration failed halfway; bring it back."
    progress = run(f"{python} all", project, env, check_result=False)
    assert "Traceback" not in progress
    assert "[ ] 1. Add a column, with data present: not yet" in progress
    assert "[ ] 5. Recover from a failed migration: not yet" in progress
    assert "0 of 7 passed." in progress
