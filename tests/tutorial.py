"""Reads the console blocks of a Markdown file and runs them the way a learner would."""

import re
import sqlite3
import subprocess
from dataclasses import dataclass, field

PROMPT = "$ "
FENCE = re.compile(r"^```(\w*)\s*$")
REQUIRES = re.compile(r"^<!-- requires: ([\w, ]+) -->$")
# A block for learners whose SQLite is in a range: it runs, and is compared, only there.
SQLITE_RANGE = re.compile(r"^<!-- only on sqlite ([<>=0-9., ]+) -->$")

# Things that differ from run to run; each becomes a placeholder before outputs are compared.
VOLATILE = [
    (re.compile(r"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(\.\d+)?"), "<TIME>"),
    (re.compile(r"\[generated in [\d.]+s\]"), "[generated in <SECONDS>]"),
    (re.compile(r"(SQLite )\d+\.\d+\.\d+"), r"\1<VERSION>"),
    # `flask db migrate` names a new revision with a random id.
    (re.compile(r"(versions/)[0-9a-f]{12}(_)"), r"\1<REV>\2"),
]
# Lines that depend on the machine, not on the project: pip's upgrade notices and its
# complaints about find-links folders that a machine's pip configuration names but lacks.
NOISE = re.compile(r"^(\[notice\] |WARNING: Location '.*' is ignored)")


@dataclass
class Command:
    """One `$ ` line of a console block and the output shown under it."""

    line: int
    text: str
    expected: list[str] = field(default_factory=list)
    requires: tuple[str, ...] = ()
    sqlite_range: str = ""


def parse(markdown):
    """Return the commands of every ```console block, in order, with their markers."""
    commands = []
    lines = markdown.splitlines()
    in_console = False
    markers = {}
    for number, line in enumerate(lines, start=1):
        fence = FENCE.match(line)
        if fence:
            in_console = not in_console and fence.group(1) == "console"
            if not in_console:
                markers = {}
            continue
        if in_console:
            if line.startswith(PROMPT):
                commands.append(Command(number, line[len(PROMPT) :], **markers))
            elif commands:
                commands[-1].expected.append(line)
            continue
        if requires := REQUIRES.match(line):
            markers["requires"] = tuple(name.strip() for name in requires.group(1).split(","))
        elif sqlite_range := SQLITE_RANGE.match(line):
            markers["sqlite_range"] = sqlite_range.group(1).strip()
        elif line.strip():
            markers = {}
    return commands


def sqlite_in_range(spec, version=sqlite3.sqlite_version_info):
    """Tell whether an SQLite version satisfies a spec such as '>= 3.35.0, < 3.53'."""
    for condition in spec.split(","):
        operator, wanted = re.match(r"\s*([<>]=?|==)\s*([\d.]+)", condition).groups()
        wanted = tuple(int(part) for part in wanted.split("."))
        holds = {
            "<": version < wanted,
            "<=": version <= wanted,
            ">": version > wanted,
            ">=": version >= wanted,
            "==": version[: len(wanted)] == wanted,
        }[operator]
        if not holds:
            return False
    return True


def normalize(text, project):
    """Replace the parts of an output that change between runs with placeholders."""
    text = text.replace(str(project), "<PROJECT>")
    for pattern, placeholder in VOLATILE:
        text = pattern.sub(placeholder, text)
    return [line.rstrip() for line in text.splitlines() if not NOISE.match(line)]


def matches(expected, actual):
    """Compare output lines; a line `...` in the expected output stands for any number of lines."""
    if not expected:
        return not actual
    if expected[0] == "...":
        return any(matches(expected[1:], actual[start:]) for start in range(len(actual) + 1))
    return bool(actual) and expected[0] == actual[0] and matches(expected[1:], actual[1:])


def run_session(commands, project, env, timeout):
    """Run the commands in one bash session and return each one's merged stdout and stderr."""
    marker = "#### tutorial command finished ####"
    script = project.parent / "tutorial-session.sh"
    script.write_text("".join(f"{command.text}\nprintf '\\n%s\\n' '{marker}'\n" for command in commands))
    completed = subprocess.run(
        ["bash", "--noprofile", "--norc", str(script)],
        stdin=subprocess.DEVNULL,
        cwd=project,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=timeout,
    )
    outputs = completed.stdout.split(f"\n{marker}\n")
    # printf adds a newline before the marker; a command whose output already ended in one shows a blank line.
    return [output[:-1] if output.endswith("\n") else output for output in outputs[: len(commands)]]


def runnable_commands(markdown, servers):
    """Return (all commands, the ones for this SQLite, the ones of those this machine's servers allow)."""
    commands = parse(markdown)
    # A block for another SQLite is what a learner with that SQLite types instead: not a gap.
    ours = [command for command in commands if not command.sqlite_range or sqlite_in_range(command.sqlite_range)]
    return commands, ours, [command for command in ours if set(command.requires) <= servers.keys()]


def mismatches(document, commands, outputs, project):
    """Describe each command whose output differs from what the document shows."""
    problems = []
    for command, output in zip(commands, outputs, strict=True):
        shown, actual = normalize("\n".join(command.expected), project), normalize(output, project)
        if not matches(shown, actual):
            problems.append(
                f"{document} line {command.line}: $ {command.text}\n--- shown ---\n"
                + "\n".join(shown)
                + "\n--- printed ---\n"
                + "\n".join(actual)
            )
    return problems
