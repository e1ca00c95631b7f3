"""Exercises 1 to 4 and 6: find the student's revisions, then upgrade, downgrade and upgrade each on seeded rows."""

import contextlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field

import sqlalchemy as sa
from alembic.script import ScriptDirectory

from exercises.check.project import SHIPPED_HEAD, Outcome, Status, Trouble, verdict
from exercises.check.scratch import load_scripts, migrate, parents_of, scratch_app, student_revisions
from exercises.check.tables import (
    column_problems,
    columns,
    row_problems,
    rows,
    run_sql,
    seed_rows,
    type_problem,
    versions,
)

UPDATE_USER = re.compile(r'^\s*UPDATE\s+[`"\[]?user[`"\]]?\s', re.IGNORECASE)
READS_POST = re.compile(r'^\s*SELECT\b.*\bFROM\s+[`"\[]?post[`"\]]?(\s|$)', re.IGNORECASE | re.DOTALL)


def expect_bio(before):
    """The about_me texts, now in bio."""
    values, counts = before
    values = dict(values)
    values["user.bio"] = values.pop("user.about_me")
    return values, counts


def expect_post_count(before):
    """Every user's number of posts, in post_count."""
    values, counts = before
    authors = values["post.user_id"]
    return {**values, "user.post_count": [authors.count(user) for user in values["user.id"]]}, counts


@dataclass(frozen=True)
class Exercise:
    """A revision to check: how to recognise it, the data it needs, and what upgrading it must give."""

    adds: str = ""  # recognised by the column it adds...
    changes: str = ""  # ...or by the column whose type it changes
    removes_nothing: bool = False  # and, if set, only when it drops no column
    prepare: tuple[str, ...] = ()  # SQL filling the data the exercise cares about, before its revision runs
    expect: Callable | None = None  # (rows before) -> rows the upgrade must leave; by default, the same rows
    shape: dict = field(default_factory=dict)  # {"table.column": type, or None for "must be gone"}
    one_statement: bool = False  # the data must be filled by one UPDATE, inside the database

    def recognises(self, added, removed, changed):
        """Tell whether a revision that added, removed and changed these columns does this exercise."""
        if self.removes_nothing and removed:
            return False
        return self.adds in added if self.adds else self.changes in changed


EXERCISES = {
    1: Exercise(adds="user.about_me", removes_nothing=True, shape={"user.about_me": "VARCHAR(140)"}),
    2: Exercise(
        changes="user.username",
        # A username as long as the old column allows must survive the round trip.
        prepare=("UPDATE \"user\" SET username = 'u' || substr(printf('%064d', id), 2) WHERE id = 1",),
        shape={"user.username": "VARCHAR(80)"},
    ),
    3: Exercise(
        adds="user.bio",
        # Most users wrote something; one did not, and must stay empty.
        prepare=("UPDATE \"user\" SET about_me = 'about ' || username WHERE id > 1",),
        expect=expect_bio,
        shape={"user.about_me": None, "user.bio": "VARCHAR(140)"},
    ),
    4: Exercise(
        adds="user.post_count", expect=expect_post_count, shape={"user.post_count": "INTEGER"}, one_statement=True
    ),
}
# Exercise 6's two branch revisions, recognised the same way.
BRANCH_COLUMNS = ("user.location", "post.language")
# Exercise 6's merge adds nothing: it must keep both branches' data through every step.
MERGE = Exercise(prepare=("UPDATE \"user\" SET location = 'City ' || id", "UPDATE post SET language = 'en'"))


@dataclass
class Walk:
    """The student's revisions, which exercise each one does, and where upgrading them stopped, if it did."""

    script: ScriptDirectory
    found: dict
    stopped: str | None = None


def walk(project):
    """Upgrade a seeded scratch database through the student's revisions one at a time, and recognise each."""
    script = load_scripts(project.migrations)
    found, stopped = {}, None
    with scratch_app(project.config):
        migrate("upgrade", project.migrations, SHIPPED_HEAD)
        seed_rows()
        before = columns()
        for revision in student_revisions(script):
            try:
                migrate("upgrade", project.migrations, revision.revision)
            except Trouble as trouble:
                stopped = str(trouble)
                break
            after = columns()
            added, removed = after.keys() - before.keys(), before.keys() - after.keys()
            changed = {name for name in before.keys() & after.keys() if before[name] != after[name]}
            for number, exercise in EXERCISES.items():
                if number not in found and exercise.recognises(added, removed, changed):
                    found[number] = revision.revision
            for name in BRANCH_COLUMNS:
                if name in added:
                    found.setdefault(name, revision.revision)
            before = after
    return Walk(script, found, stopped)


@contextlib.contextmanager
def statements_seen():
    """Collect (statement, executemany) for every statement any engine runs during the block."""
    seen = []

    def record(connection, cursor, statement, parameters, context, executemany):
        seen.append((statement, executemany))

    sa.event.listen(sa.engine.Engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        sa.event.remove(sa.engine.Engine, "before_cursor_execute", record)


def row_by_row(where, statements):
    """Say if the upgrade filled user row by row from Python instead of with one UPDATE."""
    updates = [many for statement, many in statements if UPDATE_USER.match(statement)]
    if any(updates):
        return [f"{where}: user.post_count is filled by executemany, one row at a time; use one UPDATE"]
    if len(updates) > 1:
        return [f"{where}: user.post_count is filled by {len(updates)} UPDATE statements, one per user; use one"]
    if sum(bool(READS_POST.match(statement)) for statement, _ in statements) > 1:
        return [f"{where}: user.post_count is counted in a Python loop over users; let one UPDATE count"]
    return []


def shape_problems(exercise, where):
    """Say which columns the exercise wants are missing, of another type, or still there when they should be gone."""
    found, problems = columns(), []
    for name, wanted in exercise.shape.items():
        if wanted is None:
            problems += [f"{where}: {name} is still there"] if name in found else []
        else:
            problems += type_problem(where, found, name, wanted)
    return problems


def upgrade_problems(exercise, where, before, statements):
    """Compare what the upgrade left with what the exercise asks for."""
    expected = exercise.expect(before) if exercise.expect else before
    problems = shape_problems(exercise, where) + row_problems(where, expected, rows())
    if exercise.one_statement:
        problems += row_by_row(where, statements)
    return problems


def try_revision(project, exercise, revision):
    """Upgrade, downgrade and upgrade a revision (a merge too) on seeded rows, and list what went wrong."""
    parents, migrations = parents_of(revision), project.migrations
    revision = revision.revision
    with scratch_app(project.config):
        migrate("upgrade", migrations, SHIPPED_HEAD)
        seed_rows()
        for parent in parents:
            migrate("upgrade", migrations, parent)
        run_sql(*exercise.prepare)
        shape_before, before = columns(), rows()
        with statements_seen() as statements:
            migrate("upgrade", migrations, revision)
        problems = upgrade_problems(exercise, f"revision {revision}, upgrade", before, statements)
        # Downgrading a merge to one parent undoes the merge only: the database is at both parents again.
        migrate("downgrade", migrations, parents[0], label=revision)
        where = f"revision {revision}, downgrade"
        if len(parents) > 1 and versions() != sorted(parents):
            problems.append(f"{where}: the database reports {versions()}, not the two branch revisions {parents}")
        problems += column_problems(where, shape_before, columns()) + row_problems(where, before, rows())
        if problems:
            return problems
        with statements_seen() as statements:
            migrate("upgrade", migrations, revision)
        return upgrade_problems(exercise, f"revision {revision}, upgrade after a downgrade", before, statements)


def check_exercise(project, number, walked=None):
    """Exercises 1 to 4: find this exercise's revision among the student's, wherever it is, and test it alone."""
    try:
        walked = walked or walk(project)
        revision = walked.found.get(number)
        if revision is None:
            if walked.stopped:
                return Outcome(Status.NOT_YET, [walked.stopped])
            return Outcome(Status.NOT_STARTED, [f"no revision after {SHIPPED_HEAD} does exercise {number} yet"])
        return verdict(try_revision(project, EXERCISES[number], walked.script.get_revision(revision)))
    except Trouble as trouble:
        return Outcome(Status.NOT_YET, [str(trouble)])


# Exercise 6: two branches, two heads


def ancestors(script, revision):
    """Name the revision and every revision it is built on."""
    return {r.revision for r in script.iterate_revisions(revision, "base")}


def joins(script, merge, one, other):
    """Tell whether the merge revision joins two branches, one holding `one` and the other `other`."""
    lines = [ancestors(script, parent) for parent in parents_of(merge)]
    return any(one in a and other in b for a in lines for b in lines if a is not b)


def branch_problems(walked):
    """Check the shape of the history for exercise 6, before running anything."""
    script = walked.script
    heads = script.get_heads()
    if len(heads) > 1:
        return [
            f"there are {len(heads)} heads ({', '.join(sorted(heads))}), so `flask db upgrade` stops with "
            '"Multiple head revisions are present": join them with `flask db merge heads -m "merge"`'
        ]
    location, language = (walked.found.get(name) for name in BRANCH_COLUMNS)
    missing = [name for name in BRANCH_COLUMNS if walked.found.get(name) is None]
    if missing:
        return [f"no revision adds {name}: keep both branches' revisions, each is someone's work" for name in missing]
    if location in ancestors(script, language) or language in ancestors(script, location):
        later, earlier = (language, location) if location in ancestors(script, language) else (location, language)
        return [
            f"revision {later} now revises {earlier}: its down_revision was re-pointed, which rewrites history "
            "that databases on the other branch already have; keep it as it was and add a merge revision"
        ]
    return []


def find_merge(walked):
    """Find the merge revision that joins the two branch revisions."""
    location, language = (walked.found[name] for name in BRANCH_COLUMNS)
    for revision in student_revisions(walked.script):
        if revision.is_merge_point and joins(walked.script, revision, location, language):
            return revision
    return None


def check_branches(project, walked=None):
    """Exercise 6: one head, both branch revisions kept, and a merge revision that joins them and keeps rows."""
    try:
        walked = walked or walk(project)
        started = any(walked.found.get(name) for name in BRANCH_COLUMNS) or len(walked.script.get_heads()) > 1
        if not started:
            return Outcome(Status.NOT_STARTED, [f"no revision adds {' or '.join(BRANCH_COLUMNS)} yet"])
        problems = branch_problems(walked)
        if problems:
            return Outcome(Status.NOT_YET, problems)
        merge = find_merge(walked)
        if merge is None:
            problems = [
                f"there is no merge revision whose down_revision names both {walked.found['user.location']} "
                f'and {walked.found["post.language"]}: run `flask db merge heads -m "merge"`'
            ]
            return Outcome(Status.NOT_YET, problems)
        return verdict(try_revision(project, MERGE, merge))
    except Trouble as trouble:
        return Outcome(Status.NOT_YET, [str(trouble)])
