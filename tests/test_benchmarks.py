"""The benchmark scripts run at toy sizes and print a full table; the numbers themselves are not checked."""

import re
import subprocess
import sys

import pytest

from benchmarks.drop_column import available_methods
from benchmarks.pages import PAGES
from tests.helpers import ROOT


def run_benchmark(name, *args):
    """Run `python -m benchmarks.<name>` from the project root and return what it printed."""
    return subprocess.run(
        [sys.executable, "-m", f"benchmarks.{name}", *args], cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout


def table_rows(text):
    """Read a printed Markdown table into {first cell: {column name: cell}}."""
    lines = [line.strip("|").split("|") for line in text.splitlines() if line.startswith("|")]
    header = [cell.strip() for cell in lines[0]]
    return {cells[0].strip(): dict(zip(header, (cell.strip() for cell in cells), strict=True)) for cells in lines[2:]}


def assert_numbers(rows, labels, columns):
    """Check that the table has a row per label, and a number in each of the columns on every row."""
    assert list(rows) == labels
    for row in rows.values():
        for column in columns:
            assert re.match(r"\d[\d,.]* ", row[column] + " "), (column, row)


@pytest.mark.slow
def test_drop_column_prints_a_row_per_size_and_writes_output(tmp_path):
    output = tmp_path / "drop_column.md"
    printed = run_benchmark("drop_column", "--users", "300", "600", "--repeat", "1", "--output", str(output))
    assert_numbers(table_rows(printed), ["300", "600"], available_methods())
    assert output.read_text() == printed


def test_pages_prints_a_row_per_size_and_writes_output(tmp_path):
    output = tmp_path / "pages.md"
    # Page 50 of the timeline needs 500 posts; the profile page needs user42.
    sizes = ["--users", "50", "--posts", "500", "1000", "--renders", "3"]
    printed = run_benchmark("pages", *sizes, "--output", str(output))
    assert_numbers(table_rows(printed), ["500", "1,000"], list(PAGES))
    assert output.read_text() == printed


@pytest.mark.slow
@pytest.mark.parametrize(
    ("option", "heading"),
    [(["--busy-timeout", "5"], "busy timeout 5 s, SQLite"), (["--wal"], "busy timeout 60 s, SQLite")],
    ids=["busy-timeout", "wal"],
)
def test_load_during_migration_rebuilds_post_both_ways_under_clients_and_writes_output(tmp_path, option, heading):
    # The appendix of TUTORIAL.md shows these command lines at full size.
    output = tmp_path / "load.md"
    load = ["--posts", "2000", "--clients", "2", "--readers", "1", "--quiet", "1", "--settle", "1"]
    printed = run_benchmark("load_during_migration", *load, *option, "--output", str(output))
    rows = table_rows(printed)
    assert list(rows)[0] == "no migration"
    assert [row["migration"] for row in list(rows.values())[1:]] == ["ok", "ok"]
    assert_numbers(dict(list(rows.items())[1:]), list(rows)[1:], ["migration step (s)", "requests", "write stall (s)"])
    assert heading in printed and output.read_text() == printed
    assert ("(WAL)" in printed) == ("--wal" in option)
