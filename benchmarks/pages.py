"""Time the timeline and a profile page at several numbers of posts, to see whether rendering grows with the table.

    python -m benchmarks.pages --users 10000 --posts 1000 100000 --renders 300

Builds a SQLite database per number of posts, renders each page many times through Flask's test
client, and prints the median times as a Markdown table (and to --output FILE if given).

At its defaults it took 6 s and peaked at 193 MB (one process), measured on a 2-core machine
busy with other work; the databases it builds are deleted at the end.
"""

import argparse
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from flask_migrate import upgrade

from app import create_app
from app.extensions import db
from app.models import Post, User
from benchmarks.helpers import markdown_table
from config import Config

ROOT = Path(__file__).resolve().parents[1]
PAGES = {"timeline": "/", "timeline, page 50": "/?page=50", "profile": "/user/user42"}


def build(path, users, posts):
    """Migrate a new database at `path` and fill it with `users` users and `posts` posts."""
    app = create_app(Config, {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"})
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        db.session.execute(
            sa.insert(User), [{"username": f"user{n}", "email": f"user{n}@example.com"} for n in range(users)]
        )
        start = datetime(2024, 1, 1, tzinfo=UTC)
        db.session.execute(
            sa.insert(Post),
            [
                {"body": f"post {n}", "user_id": n % users + 1, "timestamp": start + timedelta(seconds=n)}
                for n in range(posts)
            ],
        )
        db.session.commit()
    return app


def median_render_ms(app, path, renders):
    """Render the page `renders` times and return the median in milliseconds."""
    client = app.test_client()
    client.get(path)  # Warm the caches once, as a running server would have.
    times = []
    for _ in range(renders):
        started = time.perf_counter()
        response = client.get(path)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (path, response.status_code)
    return statistics.median(times)


def table(results, users, renders):
    """Write the Markdown table: a row per number of posts, each time followed by its ratio to the first row."""
    first = next(iter(results.values()))
    rows = [
        {"posts": f"{posts:,}"} | {name: f"{times[name]:.2f} ({times[name] / first[name]:.2f}x)" for name in PAGES}
        for posts, times in results.items()
    ]
    heading = f"{users:,} users; median of {renders} renders through the test client, in ms (ratio to the first row)."
    return heading + "\n\n" + markdown_table(rows)


def main():
    """Build a database per number of posts, time each page on it, and print the table."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    # The profile page shows user42, so there must be at least 43 users.
    parser.add_argument("--users", type=int, default=10_000, help="users in every database (at least 43)")
    # Page 50 of the timeline needs 500 posts at the default 10 posts a page.
    parser.add_argument("--posts", type=int, nargs="+", default=[1_000, 100_000], help="numbers of posts to measure")
    parser.add_argument("--renders", type=int, default=300, help="renders per page and size")
    parser.add_argument("--output", type=Path, help="also write the table to this file")
    args = parser.parse_args()

    results = {}
    with tempfile.TemporaryDirectory() as scratch:
        for posts in args.posts:
            app = build(Path(scratch) / f"pages-{posts}.sqlite", args.users, posts)
            results[posts] = {name: median_render_ms(app, path, args.renders) for name, path in PAGES.items()}
            with app.app_context():
                db.engine.dispose()
            print(f"{posts:,} posts done", file=sys.stderr)

    report = table(results, args.users, args.renders)
    print(report, end="")
    if args.output:
        args.output.write_text(report)


if __name__ == "__main__":
    main()
