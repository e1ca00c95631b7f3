"""The 90-minute class of exercises/TEACHING.md, run in its plan's order in one terminal, as a class types it.

The commands come from the pages themselves: TEACHING.md's plan names the TUTORIAL.md chapters and
the exercises by links to their headings, and each section's console blocks run in that order. What
a student does outside the terminal (edit the model, edit the script) the test does to the files,
the way the exercise and its reference solution say.
"""

import os
import re
import subprocess

import pytest

from tests.helpers import ROOT, copy_project
from tests.tutorial import NotPortable, Terminal, check_portable, learner_env, mismatches, parse, sqlite_in_range

TEACHING = ROOT / "exercises" / "TEACHING.md"
EXERCISES = ROOT / "exercises" / "README.md"
SOLUTIONS = ROOT / "exercises" / "solutions"
# Variables a student would not have set (CI among them: tools print more under it).
LINK = re.compile(r"\[[^\]]+\]\(([^)#]*)#([^)]+)\)")
HEADING = re.compile(r"^(#+) (.+)$")

# The model lines of the reference solutions (each names its own at the top of its file); the
# exercise pages show the same lines, and say where they go.
ABOUT_ME = "    about_me: so.Mapped[str | None] = so.mapped_column(sa.String(140))\n"
BIO = "    bio: so.Mapped[str | None] = so.mapped_column(sa.String(140))\n"
USERNAME_64 = "    username: so.Mapped[str | None] = so.mapped_column(sa.String(64), index=True, unique=True)\n"
USERNAME_80 = USERNAME_64.replace("String(64)", "String(80)")
POST_COUNT = "    post_count: so.Mapped[int | None] = so.mapped_column()\n"
LOCATION = "    location: so.Mapped[str | None] = so.mapped_column(sa.String(64))\n"
LANGUAGE = "    language: so.Mapped[str | None] = so.mapped_column(sa.String(5))\n"


def slug(heading):
    """Make the anchor GitHub gives a heading."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def section(markdown, anchor):
    """Return the first and the last line number of the section whose heading has this anchor."""
    # (line number, level, anchor) of each heading; a `#` line inside a code block is not one.
    headings, in_code = [], False
    for number, line in enumerate(markdown.splitlines(), start=1):
        in_code = in_code != line.startswith("```")
        if not in_code and (heading := HEADING.match(line)):
            headings.append((number, len(heading.group(1)), slug(heading.group(2))))
    for index, (first, level, name) in enumerate(headings):
        if name == anchor:
            ends = [number - 1 for number, deeper, _ in headings[index + 1 :] if deeper <= level]
            return first, ends[0] if ends else len(markdown.splitlines())
    raise AssertionError(f"no heading with the anchor #{anchor}")


def commands_of(document, anchor=None):
    """Return the commands of a section's console blocks (or the whole page's) that this machine's SQLite runs."""
    markdown = document.read_text()
    first, last = section(markdown, anchor) if anchor else (1, len(markdown.splitlines()))
    commands = [command for command in parse(markdown) if first <= command.line <= last]
    for command in commands:
        assert not (command.requires or command.second_terminal or command.after_second_terminal), (
            f"{document.name} line {command.line}: the class runs in one terminal, on SQLite alone"
        )
    return [command for command in commands if not command.sqlite_range or sqlite_in_range(command.sqlite_range)]


def plan():
    """Return (document, anchor) of every section TEACHING.md's plan links to, in the plan's order."""
    markdown = TEACHING.read_text()
    first, last = section(markdown, "the-90-minutes")
    rows = [line for line in markdown.splitlines()[first - 1 : last] if re.match(r"\| \d:\d\d-", line)]
    assert len(rows) >= 9, "TEACHING.md's plan has a row for every part of the 90 minutes"
    links = [link for row in rows for link in LINK.findall(row.split("|")[2])]
    return [((TEACHING.parent / target).resolve() if target else TEACHING, anchor) for target, anchor in links]


def class_steps():
    """Return the sections the class runs: before class, the plan (each exercise solved with commands
    followed by its solution page), then the teacher's last resort, which must work after all the rest."""
    steps = [(TEACHING, "before-class")]
    for document, anchor in plan():
        steps.append((document, anchor))
        if document == EXERCISES and (page := solution_page(anchor)):
            steps.append((page, None))
    return steps + [(TEACHING, "resetting-a-students-machine")]


def shown_name(document, anchor):
    """Name a section as a reader would find it."""
    path = document.relative_to(ROOT).as_posix()
    return f"{path}#{anchor}" if anchor else path


def solution_page(anchor):
    """Return the reference solution page of an exercise solved with commands (5 and 7), if it is one."""
    number = re.match(r"(\d)-", anchor)
    pages = sorted(SOLUTIONS.glob(f"0{number.group(1)}_*.md")) if number else []
    return pages[0] if pages else None


# What a student does between commands, outside the terminal.


def edit_models(project, old, new):
    """Change one line of app/models.py, as the exercise's model change says."""
    models = project / "app" / "models.py"
    text = models.read_text()
    assert text.count(old) == 1, f"app/models.py has no single line {old.strip()!r}"
    models.write_text(text.replace(old, new))


def add_column(project, model, line):
    """Add a column below the model's last one, where the exercises say to put it."""
    models = project / "app" / "models.py"
    text = models.read_text()
    start = text.index(f"\nclass {model}(")
    end = text.find("\nclass ", start + 1)
    columns = re.findall(r"^    \w+: so\.Mapped\[.*mapped_column.*\n", text[start : end if end > 0 else None], re.M)
    edit_models(project, columns[-1], columns[-1] + line)


def script(project, revision):
    """Find the revision file `flask db migrate --rev-id` wrote."""
    found = list((project / "migrations" / "versions").glob(f"{revision}_*.py"))
    assert len(found) == 1, f"flask db migrate wrote no script {revision}_*.py"
    return found[0]


def write_body(project, revision, body):
    """Replace the script's functions, from `def upgrade():` on, by this text."""
    path = script(project, revision)
    header, generated = path.read_text().split("\ndef upgrade():", 1)
    downgrade = generated[generated.index("\ndef downgrade():") :]
    path.write_text(header + "\n" + (body if "def downgrade():" in body else body + "\n\n" + downgrade))


def solution_body(revision):
    """Return the reference solution's functions, from `def upgrade():` on."""
    (path,) = SOLUTIONS.glob(f"{revision}_*.py")
    return "def upgrade():" + path.read_text().split("\ndef upgrade():", 1)[1]


def plain_upgrade():
    """Return exercise 2's old-way upgrade(), as the exercise page shows it."""
    markdown = EXERCISES.read_text()
    first, last = section(markdown, "2-hit-sqlites-wall-and-fix-it-with-batch-mode")
    blocks = re.findall(r"```python\n(.*?)```", "\n".join(markdown.splitlines()[first - 1 : last]) + "\n", re.S)
    return next(block for block in blocks if block.startswith("def upgrade():")).rstrip() + "\n"


def migrate(revision, message):
    return f'flask db migrate --rev-id {revision} -m "{message}"'


EXERCISE_1 = "1-add-a-column-with-data-present"
EXERCISE_2 = "2-hit-sqlites-wall-and-fix-it-with-batch-mode"
EXERCISE_3 = "3-rename-a-column-keeping-its-data"
EXERCISE_4 = "4-a-data-migration"
EXERCISE_5 = "5-recover-from-a-failed-migration"
EXERCISE_6 = "6-two-branches-two-heads"
EXERCISE_7 = "7-adopt-a-database-made-by-dbcreate_all"
# (section, command, which time in that section): what the student does just before typing it.
EDITS = {
    (EXERCISE_1, migrate("a1b2c3d4e501", "add user about_me"), 1): lambda p: add_column(p, "User", ABOUT_ME),
    (EXERCISE_2, migrate("a1b2c3d4e502", "widen user username"), 1): lambda p: edit_models(p, USERNAME_64, USERNAME_80),
    (EXERCISE_2, "flask db upgrade", 1): lambda p: write_body(p, "a1b2c3d4e502", plain_upgrade()),
    (EXERCISE_2, "flask db upgrade", 2): lambda p: write_body(p, "a1b2c3d4e502", solution_body("a1b2c3d4e502")),
    (EXERCISE_3, migrate("a1b2c3d4e503", "rename user about_me to bio"), 1): lambda p: edit_models(p, ABOUT_ME, BIO),
    (EXERCISE_3, "flask db upgrade", 1): lambda p: write_body(p, "a1b2c3d4e503", solution_body("a1b2c3d4e503")),
    (EXERCISE_4, migrate("a1b2c3d4e504", "add user post_count"), 1): lambda p: add_column(p, "User", POST_COUNT),
    (EXERCISE_4, "flask db upgrade", 1): lambda p: write_body(p, "a1b2c3d4e504", solution_body("a1b2c3d4e504")),
    (EXERCISE_6, migrate("a1b2c3d4e601", "add user location"), 1): lambda p: add_column(p, "User", LOCATION),
    (EXERCISE_6, migrate("a1b2c3d4e602", "add post language"), 1): lambda p: add_column(p, "Post", LANGUAGE),
}
# The model lines each exercise page must show in a ```python block, so that page and test agree.
SHOWN_MODEL_LINES = {
    EXERCISE_1: ABOUT_ME,
    EXERCISE_2: USERNAME_80,
    EXERCISE_3: BIO,
    EXERCISE_4: POST_COUNT,
    EXERCISE_6: LOCATION + LANGUAGE,
}


def git(project, env, *arguments):
    """Run git in the project, as the test's own hand, and return what it printed."""
    done = subprocess.run(["git", *arguments], cwd=project, env=env, capture_output=True, text=True, check=True)
    return done.stdout.strip()


@pytest.fixture
def clone(tmp_path):
    """A fresh clone: the project's files committed on main in a real git repository, and a student's terminal."""
    project = tmp_path / "project"
    project.mkdir()
    copy_project(ROOT, project)
    # python and flask are the ones beside the interpreter running the tests, as in an active venv.
    env = learner_env()
    # The student's own git settings: a name for commits, and nothing from this machine's config.
    env.update(GIT_CONFIG_GLOBAL=os.devnull, GIT_CONFIG_NOSYSTEM="1")
    env.update(GIT_AUTHOR_NAME="Student", GIT_AUTHOR_EMAIL="student@example.com")
    env.update(GIT_COMMITTER_NAME="Student", GIT_COMMITTER_EMAIL="student@example.com")
    git(project, env, "init", "-q", "-b", "main")
    git(project, env, "add", "-A")
    git(project, env, "commit", "-q", "-m", "shipped")
    return project, env


@pytest.mark.slow
def test_the_90_minute_class_runs_in_its_order_and_ends_on_main(clone):
    project, env = clone
    shipped = git(project, env, "rev-parse", "HEAD")
    shipped_revisions = sorted(path.name for path in (project / "migrations" / "versions").glob("*.py"))
    for anchor, lines in SHOWN_MODEL_LINES.items():
        first, last = section(EXERCISES.read_text(), anchor)
        shown = "\n".join(EXERCISES.read_text().splitlines()[first - 1 : last])
        for line in lines.splitlines():
            assert line in shown, f"exercises/README.md #{anchor} shows the model line {line.strip()!r}"

    steps = class_steps()
    exercises = [anchor for document, anchor in steps if document == EXERCISES and anchor[0].isdigit()]
    assert exercises == [EXERCISE_1, EXERCISE_2, EXERCISE_3, EXERCISE_5, EXERCISE_6, EXERCISE_4, EXERCISE_7], (
        "the plan takes exercises 1 to 7 in the order this test's edits expect"
    )

    terminal = Terminal(project, env, venv="reuse")
    used, checks = set(), {}
    for document, anchor in steps:
        name, commands = shown_name(document, anchor), commands_of(document, anchor)
        try:
            check_portable(commands)
        except NotPortable as error:
            pytest.fail(f"{name}: {error}")
        seen, outputs = {}, []
        for command in commands:
            seen[command.text] = seen.get(command.text, 0) + 1
            if edit := EDITS.get((anchor, command.text, seen[command.text])):
                # An edit that finds nothing to edit means a command before it went wrong: show that.
                problems = mismatches(name, commands[: len(outputs)], outputs, project)
                assert not problems, "\n\n".join(problems)
                edit(project)
                used.add((anchor, command.text, seen[command.text]))
            outputs.append(terminal.run(command, timeout=600).removesuffix("\n"))
            if command.text.startswith("python -m exercises.check ") and "--setup" not in command.text:
                checks[command.text.split()[-1]] = outputs[-1]
        # A step that went wrong leaves the next one in another state: stop at the first.
        problems = mismatches(name, commands, outputs, project)
        assert not problems, "\n\n".join(problems)

    assert used == set(EDITS), f"no command for the edits {sorted(set(EDITS) - used)}"
    for number in "1234567":
        assert checks.get(number, "").startswith(f"Exercise {number}: passed."), f"check {number}: {checks.get(number)}"
    assert checks["all"].endswith("7 of 7 passed.")
    # The reset gave main back: the shipped commit, nothing changed, and the shipped migrations alone.
    assert git(project, env, "branch", "--show-current") == "main"
    assert git(project, env, "rev-parse", "HEAD") == shipped
    assert git(project, env, "status", "--porcelain") == ""
    assert sorted(path.name for path in (project / "migrations" / "versions").glob("*.py")) == shipped_revisions
