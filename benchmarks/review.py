"""Time `flask db review` on an SQLite database with many posts.

    python -m benchmarks.review --users 1000 --posts 1000000

The database is filled with `flask seed` at the head, then taken back to 7c1e5b9d0a34 so that the
default mode has three revisions to dry-run, one of which rebuilds the post table. Each mode runs
in-process (the CLI adds ~0.7 s of imports); the database's file is checked to be unchanged.
"""

import argparse
import hashlib
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.helpers import markdown_table

ROOT = Path(__file__).resolve().parents[1]
MIGRATIONS = str(ROOT / "migrations")
# Three revisions before the head: the CHECK on post.body rebuilds post in batch mode.
START = "7c1e5b9d0a34"


def fill(path, users, posts):
    """Make a database at the head with `users` users and `posts` posts, then downgrade it to START."""
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{path}", "FLASK_APP": str(ROOT / "blog.py")}
    flask = [sys.executable, "-m", "flask"]
    subprocess.run([*flask, "db", "upgrade", "-d", MIGRATIONS], env=env, check=True, capture_output=True)
    subprocess.run(
        [*flask, "seed", "--users", str(users), "--posts", str(posts)], env=env, check=True, capture_output=True
    )
    subprocess.run([*flask, "db", "downgrade", "-d", MIGRATIONS, START], env=env, check=True, capture_output=True)


def digest(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=1000)
    parser.add_argument("--posts", type=int, default=1_000_000)
    args = parser.parse_args(argv)

    from app import create_app
    from app.dbtools.review import review_database
    from config import Config

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "review.sqlite"
        started = time.perf_counter()
        fill(path, args.users, args.posts)
        print(f"filled {args.users:,} users and {args.posts:,} posts in {time.perf_counter() - started:.1f} s")
        before = digest(path)
        app = create_app(Config, {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"})
        rows = []
        with app.app_context():
            for label, mode, target in [
                ("flask db review (3 revisions, post rebuilt)", "upgrade", None),
                ("flask db review --downgrade base", "downgrade", "base"),
                ("flask db review --all", "all", None),
            ]:
                started = time.perf_counter()
                report = review_database(MIGRATIONS, mode, target)
                seconds = time.perf_counter() - started
                warnings = len(report.findings) - report.errors
                rows.append({"mode": label, "seconds": f"{seconds:.2f}", "errors": report.errors, "warnings": warnings})
        assert digest(path) == before, "the review changed the database"
        print(f"SQLite {path.stat().st_size / 1e6:.0f} MB, {args.posts:,} posts")
        print(markdown_table(rows), end="")


if __name__ == "__main__":
    main()
