"""The command line: check one exercise or all of them, or set up the database exercise 5 or 7 starts from."""

import argparse
import logging

from exercises.check.databases import check_adoption, check_recovery, set_up_exercise5, set_up_exercise7
from exercises.check.history import check_branches, check_exercise, walk
from exercises.check.project import Outcome, Project, Status, Trouble
from exercises.check.scratch import first_line

TITLES = {
    1: "Add a column, with data present",
    2: "Hit SQLite's wall, and fix it with batch mode",
    3: "Rename a column, keeping its data",
    4: "A data migration",
    5: "Recover from a failed migration",
    6: "Two branches, two heads",
    7: "Adopt a database made by db.create_all()",
}
# Exercises 5 and 7 look at a database, not at the student's revisions.
DATABASE_CHECKS = {5: check_recovery, 7: check_adoption}
SET_UPS = {
    5: (set_up_exercise5, ". Its last migration failed halfway; bring it back."),
    7: (set_up_exercise7, " with db.create_all(); adopt it into the migrations."),
}


def check(project, number, walked=None):
    """Run one exercise's check, on the student's revisions walked already if they were."""
    if number in DATABASE_CHECKS:
        return DATABASE_CHECKS[number](project)
    if number == 6:
        return check_branches(project, walked)
    return check_exercise(project, number, walked)


def check_all(project):
    """Run every check, walking the student's revisions once for all of them."""
    try:
        walked = walk(project)
    except Trouble as trouble:
        walked, broken = None, Outcome(Status.NOT_YET, [str(trouble)])
    return {
        number: broken if walked is None and number not in DATABASE_CHECKS else check(project, number, walked)
        for number in TITLES
    }


def report(number, outcome):
    """Print one exercise's status and its problems."""
    print(f"Exercise {number}: {outcome.status.value}.")
    for problem in outcome.problems:
        print(f"  - {problem}")


def report_all(outcomes):
    """Print the progress list: one line per exercise, problems under the ones not yet passed."""
    for number, outcome in outcomes.items():
        mark = "x" if outcome.status is Status.PASSED else " "
        print(f"[{mark}] {number}. {TITLES[number]}: {outcome.status.value}")
        if outcome.status is Status.NOT_YET:
            for problem in outcome.problems:
                print(f"      - {problem}")
    passed = sum(outcome.status is Status.PASSED for outcome in outcomes.values())
    print(f"{passed} of {len(outcomes)} passed.")


def set_up(project, number):
    """Create the database an exercise starts from."""
    make, then = SET_UPS[number]
    print(f"Created {make(project).relative_to(project.root)}{then}")


def exercise_number(text):
    """Accept 1 to 7, or all."""
    if text == "all":
        return text
    if text.isdigit() and int(text) in TITLES:
        return int(text)
    raise argparse.ArgumentTypeError(f"choose an exercise from 1 to {len(TITLES)}, or all")


def main(argv=None, project=None):
    """Run the command line on the given project (by default, the one this code is in); return the exit status."""
    project = project or Project()
    # The program name the usage lines have always shown, whichever file runs it.
    parser = argparse.ArgumentParser(
        prog="check.py", description="Check a classroom exercise (see exercises/README.md)."
    )
    parser.add_argument("exercise", type=exercise_number, help="the exercise number, 1 to 7, or all")
    parser.add_argument("--setup", action="store_true", help="exercises 5 and 7 only: create their database")
    args = parser.parse_args(argv)
    if args.setup and args.exercise not in (5, 7):
        parser.error("only exercises 5 and 7 have a --setup step")
    # Alembic logs every step it runs; the checks say what matters in their own words.
    logging.disable(logging.INFO)
    try:
        if args.setup:
            set_up(project, args.exercise)
            return 0
        if args.exercise == "all":
            outcomes = check_all(project)
            report_all(outcomes)
            return 0 if all(outcome.status is Status.PASSED for outcome in outcomes.values()) else 1
        outcome = check(project, args.exercise)
        report(args.exercise, outcome)
        return 0 if outcome.status is Status.PASSED else 1
    except Exception as error:  # noqa: BLE001  (a student's files may be broken in any way: say so, no traceback)
        print(f"Exercise {args.exercise}: could not run: {first_line(error)}")
        return 1
    finally:
        logging.disable(logging.NOTSET)
