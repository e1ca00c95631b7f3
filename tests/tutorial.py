"""Reads the console blocks of a Markdown file and runs them the way a learner would, in any shell.

Each command runs as a program and its arguments, without a shell, so a page that slips back into
one shell's syntax (variables, pipes, redirection, globs, `&&`) fails here instead of on a learner's
Windows machine. Creating and activating the virtual environment are the only steps that differ
by shell: they stand in blocks marked `<!-- shell: bash -->`, `cmd` or `powershell`.
"""

import os
import re
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

PROMPT = "$ "
FENCE = re.compile(r"^```(\w*)\s*$")
REQUIRES = re.compile(r"^<!-- requires: ([\w, ]+) -->$")
# A block for learners whose SQLite is in a range: it runs, and is compared, only there.
SQLITE_RANGE = re.compile(r"^<!-- only on sqlite ([<>=0-9., ]+) -->$")
# A block for one shell: how that shell creates and activates the virtual environment.
SHELL = re.compile(r"^<!-- shell: (bash|cmd|powershell) -->$")
# A block the learner types in a second terminal while the first goes on; a later block marked
# `after the second terminal` starts once the second terminal's commands have ended.
SECOND_TERMINAL = "<!-- in a second terminal -->"
AFTER_SECOND_TERMINAL = "<!-- after the second terminal -->"
# A command that serves until Ctrl+C, such as `flask run`: the test that runs the page serves it itself.
SERVES = "<!-- serves until Ctrl+C -->"
# Seconds a learner takes to go back to the first terminal: the second one's command has started by then.
SWITCHING_TERMINALS = 2

# What bash, zsh, Command Prompt and PowerShell all read the same way: words, and "double-quoted
# words". Anything else means something to at least one of them.
SPECIAL_ANYWHERE = set("$`%!\\^")
SPECIAL_OUTSIDE_QUOTES = set("|&;<>()*?'{}#@,[]~")
# The shell whose venv block the runner follows: each system's usual one.
OWN_SHELL = "powershell" if os.name == "nt" else "bash"
# Programs a learner has in every shell once the virtual environment is active (and git, and the
# database servers' own clients); `cd` is the one shell command that reads the same everywhere.
PROGRAMS = {"flask", "python", "pip", "git", "cd", "psql", "createdb", "dropdb", "mariadb"}
# What the shell-specific blocks may hold: making and entering the virtual environment.
VENV_COMMANDS = {
    "bash": {"python3 -m venv --upgrade-deps .venv", "source .venv/bin/activate"},
    "cmd": {"py -m venv --upgrade-deps .venv", r".venv\Scripts\activate"},
    "powershell": {
        "py -m venv --upgrade-deps .venv",
        "Set-ExecutionPolicy -Scope CurrentUser -ExecutionPolicy RemoteSigned",
        r".venv\Scripts\Activate.ps1",
    },
}

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
    shell: str = ""
    second_terminal: bool = False
    after_second_terminal: bool = False
    serves: bool = False


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
        elif shell := SHELL.match(line):
            markers["shell"] = shell.group(1)
        elif line == SECOND_TERMINAL:
            markers["second_terminal"] = True
        elif line == AFTER_SECOND_TERMINAL:
            markers["after_second_terminal"] = True
        elif line == SERVES:
            markers["serves"] = True
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


class NotPortable(ValueError):
    """A command that would not read the same in bash, zsh, Command Prompt and PowerShell."""


def split(text):
    """Split a command into its program and arguments, as every shell would, or say why it cannot."""
    if special := SPECIAL_ANYWHERE.intersection(text):
        raise NotPortable(f"{text!r}: {''.join(sorted(special))} means something to some shell")
    words, word, quoted, in_word = [], "", False, False
    for character in text:
        if character == '"':
            quoted, in_word = not quoted, True
        elif character == " " and not quoted:
            if in_word:
                words.append(word)
            word, in_word = "", False
        elif not quoted and character in SPECIAL_OUTSIDE_QUOTES:
            raise NotPortable(f"{text!r}: {character} outside double quotes means something to some shell")
        else:
            word, in_word = word + character, True
    if quoted:
        raise NotPortable(f"{text!r}: a double quote is not closed")
    if in_word:
        words.append(word)
    if not words or words[0] not in PROGRAMS:
        raise NotPortable(f"{text!r}: {words[0] if words else 'nothing'} is not a program every learner has")
    return words


def check_portable(commands):
    """Raise NotPortable for the first command that depends on the shell, outside the venv blocks."""
    for command in commands:
        if command.shell:
            if command.text not in VENV_COMMANDS[command.shell]:
                raise NotPortable(f"{command.text!r}: a {command.shell} block holds only the venv commands")
        else:
            split(command.text)


# Variables a learner's new terminal does not have: the app's settings, a venv left active, and CI
# (tools such as pytest print more under it).
UNSET = ("CI", "DATABASE_URL", "SECRET_KEY", "FLASK_APP", "FLASK_DEBUG", "VIRTUAL_ENV", "PYTHONPATH")


def learner_env(activated=True):
    """The environment of a learner's new terminal; `activated` puts the venv running the tests on PATH."""
    env = {name: value for name, value in os.environ.items() if name not in UNSET}
    if activated:
        env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env['PATH']}"
    # A terminal shows stdout and stderr in the order they are written; a pipe would buffer stdout.
    env["PYTHONUNBUFFERED"] = "1"
    return env


class Terminal:
    """A learner's terminal: a folder, an environment, and the virtual environment once activated."""

    def __init__(self, folder, env, venv):
        self.folder, self.env = Path(folder), dict(env)
        # "reuse": activating means the venv that runs these tests; "create": the page's own .venv.
        self.venv = venv

    def activate(self, bin_folder):
        """Do what `source .venv/bin/activate` does to the terminal's environment."""
        self.env["VIRTUAL_ENV"] = str(bin_folder.parent)
        self.env["PATH"] = f"{bin_folder}{os.pathsep}{self.env['PATH']}"

    def run(self, command, timeout):
        """Run one command and return what it printed, stdout and stderr merged as a terminal shows them."""
        if command.shell:
            return self.run_venv_command(command, timeout)
        if command.serves:
            return ""
        program, *arguments = split(command.text)
        if program == "cd":
            self.folder = (self.folder / arguments[0]).resolve()
            return ""
        # Found on the terminal's PATH, as a shell finds it (Windows would look in this process's PATH).
        found = shutil.which(program, path=self.env["PATH"])
        if found is None:
            return f"{program}: command not found"
        completed = subprocess.run(
            [found, *arguments],
            stdin=subprocess.DEVNULL,
            cwd=self.folder,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            timeout=timeout,
        )
        return completed.stdout

    def run_venv_command(self, command, timeout):
        """Make or activate the virtual environment, as the block for this system's usual shell says."""
        if command.shell != OWN_SHELL:
            return ""  # the block for another shell: the workflow runs it on that system
        if "venv" not in command.text.split():
            if "activate" in command.text.lower():
                own = self.folder / ".venv" / ("Scripts" if os.name == "nt" else "bin")
                self.activate(own if self.venv == "create" else Path(sys.executable).parent)
            return ""  # PowerShell's execution policy: the runner starts no script
        if self.venv == "create":
            arguments = [sys.executable, "-m", "venv", ".venv"]  # the pip this Python has is current enough
            return subprocess.run(arguments, cwd=self.folder, capture_output=True, text=True, timeout=timeout).stdout
        return ""


def run_session(commands, terminal, timeout):
    """Run the commands in the terminal (and a second one where a page says so); return each one's output."""
    check_portable(commands)
    venv = terminal.venv
    outputs = [""] * len(commands)
    second = None

    def run_in_second_terminal(numbered):
        other = Terminal(terminal.folder, terminal.env, venv)
        for number, command in numbered:
            outputs[number] = other.run(command, timeout)

    pending = []
    for number, command in enumerate(commands):
        if command.second_terminal:
            pending.append((number, command))
            continue
        if pending:
            second = threading.Thread(target=run_in_second_terminal, args=(pending,))
            second.start()
            pending = []
            time.sleep(SWITCHING_TERMINALS)
        if command.after_second_terminal and second is not None:
            second.join(timeout)
            second = None
        outputs[number] = terminal.run(command, timeout)
    if second is not None:
        second.join(timeout)
    return [output.removesuffix("\n") for output in outputs]


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
