"""Does rendering a page grow with the table? Timeline and profile at 1,000 and 100,000 posts.

    python benchmarks/pages.py

Builds SQLite databases with 10,000 users and each number of posts, renders each page many
times through Flask's test client, and prints median times and their ratio.
Results go to benchmarks/results/pages.md.
"""

import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from flask_migrate import upgrade  # noqa: E402

from app import create_app  # noqa: E402
from app.extensions import db  # noqa: E402
from app.models import Post, User  # noqa: E402
from config import Config  # noqa: E402

USERS = 10_000
SIZES = (1_000, 100_000)
PAGES = {"timeline": "/", "timeline, page 50": "/?page=50", "profile": "/user/user42"}
RENDERS = 300


def build(path, posts):
    """Migrate a new database and fill it with USERS users and `posts` posts."""
    app = create_app(Config, {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"})
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        db.session.execute(
            sa.insert(User), [{"username": f"user{n}", "email": f"user{n}@example.com"} for n in range(USERS)]
        )
        start = datetime(2024, 1, 1, tzinfo=UTC)
        db.session.execute(
            sa.insert(Post),
            [
                {"body": f"post {n}", "user_id": n % USERS + 1, "timestamp": start + timedelta(seconds=n)}
                for n in range(posts)
            ],
        )
        db.session.commit()
    return app


def median_render_ms(app, path):
    """Render the page RENDERS times and return the median in milliseconds."""
    client = app.test_client()
    client.get(path)  # Warm the caches once, as a running server would have.
    times = []
    for _ in range(RENDERS):
        started = time.perf_counter()
        response = client.get(path)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (path, response.status_code)
    return statistics.median(times)


def main():
    results = {}
    with tempfile.TemporaryDirectory() as scratch:
        for posts in SIZES:
            app = build(Path(scratch) / f"pages-{posts}.sqlite", posts)
            results[posts] = {name: median_render_ms(app, path) for name, path in PAGES.items()}
            with app.app_context():
                db.engine.dispose()
    small, large = SIZES
    lines = [
        f"{USERS:,} users; median of {RENDERS} renders through the test client.",
        "",
        f"| page | {small:,} posts | {large:,} posts | ratio |",
        "| --- | ---: | ---: | ---: |",
    ]
    for name in PAGES:
        ratio = results[large][name] / results[small][name]
        lines.append(f"| {name} | {results[small][name]:.2f} ms | {results[large][name]:.2f} ms | {ratio:.2f} |")
    table = "\n".join(lines) + "\n"
    (ROOT / "benchmarks" / "results").mkdir(exist_ok=True)
    (ROOT / "benchmarks" / "results" / "pages.md").write_text(table)
    print(table)


if __name__ == "__main__":
    main()
