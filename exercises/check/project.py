"""The project a check looks at, the shipped history it builds on, and what a check can answer."""

from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path

from config import Config

ROOT = Path(__file__).resolve().parents[2]
SHIPPED_HEAD = "f6c3a8e2b1d7"
# The history the project ships, oldest first; whatever comes after SHIPPED_HEAD is the student's.
SHIPPED_REVISIONS = (
    "fb762c06d798",
    "60e4d26fe43c",
    "2145583e182a",
    "7c1e5b9d0a34",
    "e2a9d4f6b813",
    "d4b7f1a9c2e5",
    SHIPPED_HEAD,
)
# Exercise 5's failed migration: exhibits/naive holds it as written, exhibits/fixed as it should have been.
NAIVE_REVISION = "b3c8e1d94f27"
BEFORE_NAIVE = "60e4d26fe43c"


@dataclass
class Project:
    """Where the student's migrations and exercise databases are, and the settings the app runs with."""

    root: Path = ROOT
    config: type[Config] = Config
    migrations: Path | None = None
    exercise5: Path | None = None
    exercise7: Path | None = None
    # The exhibits are the checker's own reference, so they come with the code, not with the project.
    naive: Path = ROOT / "exhibits" / "naive"
    fixed: Path = ROOT / "exhibits" / "fixed"

    def __post_init__(self):
        self.root = Path(self.root)
        self.migrations = Path(self.migrations or self.root / "migrations")
        self.exercise5 = Path(self.exercise5 or self.root / "instance" / "exercise5.sqlite")
        self.exercise7 = Path(self.exercise7 or self.root / "instance" / "exercise7.sqlite")


class Status(Enum):
    """Where a student stands on one exercise."""

    PASSED = "passed"
    NOT_YET = "not yet"
    NOT_STARTED = "not started"


class Trouble(Exception):
    """A problem that ends a check early, in words a student can act on."""


@dataclass
class Outcome:
    """What a check found: its status, and the problems behind it."""

    status: Status
    problems: list[str] = field(default_factory=list)


def verdict(problems):
    """Turn a list of problems into an outcome."""
    return Outcome(Status.NOT_YET, problems) if problems else Outcome(Status.PASSED)
