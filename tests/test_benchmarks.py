"""The benchmark scripts run and report every method (at toy sizes: the numbers are for the scripts)."""

import subprocess
import sys

import pytest

from tests.tutorial import project_root

ROOT = project_root()


@pytest.mark.slow
def test_drop_column_benchmark_measures_every_method(tmp_path):
    subprocess.run(
        [sys.executable, "benchmarks/drop_column.py", "--users", "500", "1000", "--repeat", "1", "--results", tmp_path],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    table = (tmp_path / "drop_column.md").read_text()
    assert "| 500 |" in table and "| 1,000 |" in table
    assert (tmp_path / "drop_column.svg").read_text().startswith("<svg")
