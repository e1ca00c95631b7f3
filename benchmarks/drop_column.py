"""What dropping user.dummy costs: the shipped downgrade, SQLite's native DROP COLUMN, and a hand-written copy.

    python benchmarks/drop_column.py --users 10000 100000 200000 1000000 --repeat 3

Each measurement runs in a fresh process on a fresh copy of a database with N users and 2N
posts, and the methods take turns. Results go to benchmarks/results/drop_column.md and .svg.
"""

import argparse
import json
import os
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"
METHODS = {
    "a": "shipped downgrade of 60e4d26fe43c",
    "b": "native ALTER TABLE DROP COLUMN",
    "c": "hand-written copy and move",
}
# The copy-and-move procedure that batch mode automates, written out by hand.
COPY_AND_MOVE = """
CREATE TABLE user_new (
    id INTEGER NOT NULL, username VARCHAR(64), email VARCHAR(120), password_hash VARCHAR(128),
    CONSTRAINT pk_user PRIMARY KEY (id)
);
INSERT INTO user_new (id, username, email, password_hash) SELECT id, username, email, password_hash FROM user;
DROP TABLE user;
ALTER TABLE user_new RENAME TO user;
CREATE UNIQUE INDEX ix_user_email ON user (email);
CREATE UNIQUE INDEX ix_user_username ON user (username);
"""


def build_template(path, users):
    """Make a database at revision 60e4d26fe43c holding `users` users and twice as many posts."""
    sys.path.insert(0, str(ROOT))
    from flask_migrate import upgrade

    from app import create_app
    from config import Config

    app = create_app(Config, {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"})
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"), revision="60e4d26fe43c")
    password_hash = "pbkdf2:sha256:1000000$salt$" + "0" * 64  # As long as a real one.
    with sqlite3.connect(path) as connection:
        connection.executemany(
            'INSERT INTO "user" (id, username, email, password_hash, dummy) VALUES (?, ?, ?, ?, ?)',
            ((n, f"user{n}", f"user{n}@example.com", password_hash, "x") for n in range(1, users + 1)),
        )
        connection.executemany(
            "INSERT INTO post (id, body, timestamp, user_id) VALUES (?, ?, '2024-01-01 00:00:00', ?)",
            ((n, f"post number {n}", n % users + 1) for n in range(1, 2 * users + 1)),
        )
    connection.close()


def measure(method, url):
    """Drop the column one way, in this process, and return seconds and peak memory growth in KiB."""
    if method == "a":
        sys.path.insert(0, str(ROOT))
        from flask_migrate import downgrade

        from app import create_app
        from config import Config

        app = create_app(Config, {"SQLALCHEMY_DATABASE_URI": url})
        app.app_context().push()

        def run():
            downgrade(directory=str(ROOT / "migrations"), revision="fb762c06d798")
    elif url.startswith("sqlite"):
        connection = sqlite3.connect(url.removeprefix("sqlite:///"), isolation_level=None)

        def run():
            connection.execute("BEGIN IMMEDIATE")
            if method == "b":
                connection.execute("ALTER TABLE user DROP COLUMN dummy")
            else:
                for statement in filter(str.strip, COPY_AND_MOVE.split(";")):
                    connection.execute(statement)
            connection.execute("COMMIT")
    else:
        import sqlalchemy as sa

        engine = sa.create_engine(url)

        def run():
            with engine.begin() as connection:
                connection.exec_driver_sql('ALTER TABLE "user" DROP COLUMN dummy')

    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    run()
    seconds = time.perf_counter() - started
    growth = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - baseline
    return {"seconds": seconds, "rss_growth_kib": growth}


def measure_in_fresh_process(method, url):
    """Run measure() in a new Python process and return its result."""
    output = subprocess.run(
        [sys.executable, __file__, "--measure", method, url], capture_output=True, text=True, check=True
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def run_in_fresh_process(method, template, scratch):
    """Copy the template and measure one method on the copy in a new Python process."""
    database = Path(scratch) / f"run-{method}.sqlite"
    shutil.copy(template, database)
    size_before = database.stat().st_size
    result = measure_in_fresh_process(method, f"sqlite:///{database}")
    result["size_before"], result["size_after"] = size_before, database.stat().st_size
    with sqlite3.connect(database) as connection:
        columns = [row[1] for row in connection.execute("PRAGMA table_info(user)")]
        assert "dummy" not in columns, f"method {method} left dummy in place"
        assert connection.execute("SELECT count(*) FROM post").fetchone()[0] > 0
    connection.close()
    database.unlink()
    return result


def summarize(users_list, runs):
    """Build the Markdown table of medians, ranges, ratios, memory and file sizes."""
    lines = [
        f"SQLite {sqlite3.sqlite_version}, Python {sys.version.split()[0]}, {os.cpu_count()} cores; "
        f"posts = 2 x users; medians of {len(runs[users_list[0]]['a'])} runs, min-max in brackets.",
        "",
        "| users | (a) shipped downgrade | (b) native DROP COLUMN | (c) hand-written copy | a/b | a/c "
        "| peak RSS growth (a) | file before -> after (a) |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for users in users_list:
        by = runs[users]
        cells = []
        for method in "abc":
            times = [r["seconds"] * 1000 for r in by[method]]
            cells.append(f"{statistics.median(times):.0f} ms [{min(times):.0f}-{max(times):.0f}]")
        pairs = list(zip(by["a"], by["b"], by["c"], strict=True))
        a_b = statistics.median(a["seconds"] / b["seconds"] for a, b, _ in pairs)
        a_c = statistics.median(a["seconds"] / c["seconds"] for a, _, c in pairs)
        rss = max(r["rss_growth_kib"] for r in by["a"]) / 1024
        size = by["a"][0]
        lines.append(
            f"| {users:,} | {' | '.join(cells)} | {a_b:.2f} | {a_c:.2f} | {rss:.1f} MB "
            f"| {size['size_before'] / 2**20:.1f} -> {size['size_after'] / 2**20:.1f} MB |"
        )
    return "\n".join(lines) + "\n"


def plot(users_list, runs, path):
    """Draw the medians against table size as a small SVG line chart (log-log)."""
    import math

    width, height, margin = 640, 360, 60
    colors = {"a": "#1f77b4", "b": "#2ca02c", "c": "#d62728"}
    medians = {m: [statistics.median(r["seconds"] for r in runs[u][m]) for u in users_list] for m in "abc"}
    xs = [math.log10(u) for u in users_list]
    ys = [math.log10(v) for m in medians.values() for v in m]
    x0, x1, y0, y1 = min(xs), max(xs) or 1, min(ys), max(ys)

    def point(users, seconds):
        x = margin + (math.log10(users) - x0) / ((x1 - x0) or 1) * (width - 2 * margin)
        y = height - margin - (math.log10(seconds) - y0) / ((y1 - y0) or 1) * (height - 2 * margin)
        return f"{x:.1f},{y:.1f}"

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="sans-serif" '
        'font-size="12"><rect width="100%" height="100%" fill="white"/>',
        f'<text x="{margin}" y="24">Dropping user.dummy on SQLite (log-log; median seconds)</text>',
    ]
    for method, values in medians.items():
        points = " ".join(point(u, v) for u, v in zip(users_list, values, strict=True))
        parts.append(f'<polyline fill="none" stroke="{colors[method]}" stroke-width="2" points="{points}"/>')
        for u, v in zip(users_list, values, strict=True):
            x, y = point(u, v).split(",")
            parts.append(f'<circle cx="{x}" cy="{y}" r="3" fill="{colors[method]}"/>')
            parts.append(f'<text x="{float(x) + 4}" y="{float(y) - 4}">{v * 1000:.0f} ms</text>')
    for i, (method, label) in enumerate(METHODS.items()):
        parts.append(f'<text x="{margin}" y="{height - 58 + 14 * i}" fill="{colors[method]}">({method}) {label}</text>')
    for users in users_list:
        x, _ = point(users, 10**y0).split(",")
        parts.append(f'<text x="{x}" y="{height - 6}" text-anchor="middle">{users:,} users</text>')
    parts.append("</svg>")
    path.write_text("\n".join(parts) + "\n")


def postgres_table(server_url, users_list, repeat):
    """Time (a) and (b) on PostgreSQL, each run on a fresh copy of a template database."""
    import sqlalchemy as sa

    sys.path.insert(0, str(ROOT))
    from flask_migrate import upgrade

    from app import create_app
    from config import Config, database_url_from

    server = sa.make_url(database_url_from(server_url))
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
    lines = [
        "",
        f"PostgreSQL ({server.host}); posts = 2 x users; medians of {repeat} runs.",
        "",
        "| users | (a) shipped downgrade | (b) native DROP COLUMN | a/b |",
        "| ---: | ---: | ---: | ---: |",
    ]
    for users in users_list:
        template = f"bench_template_{users}"
        with admin.connect() as connection:
            connection.exec_driver_sql(f"DROP DATABASE IF EXISTS {template}")
            connection.exec_driver_sql(f"CREATE DATABASE {template}")
        url = server.set(database=template).render_as_string(hide_password=False)
        app = create_app(Config, {"SQLALCHEMY_DATABASE_URI": url})
        with app.app_context():
            upgrade(directory=str(ROOT / "migrations"), revision="60e4d26fe43c")
            engine = app.extensions["sqlalchemy"].engine
            with engine.begin() as connection:
                connection.exec_driver_sql(
                    'INSERT INTO "user" (username, email, password_hash, dummy) '
                    f"SELECT 'user' || g, 'user' || g || '@example.com', 'hash', 'x' FROM generate_series(1, {users}) g"
                )
                connection.exec_driver_sql(
                    "INSERT INTO post (body, timestamp, user_id) SELECT 'post ' || g, now(), "
                    f"mod(g, {users}) + 1 FROM generate_series(1, {2 * users}) g"
                )
            engine.dispose()
        times = {"a": [], "b": []}
        for repetition in range(repeat):
            for method in "ab" if repetition % 2 == 0 else "ba":
                run = f"bench_run_{users}"
                with admin.connect() as connection:
                    connection.exec_driver_sql(f"CREATE DATABASE {run} TEMPLATE {template}")
                result = measure_in_fresh_process(method, server.set(database=run).render_as_string(False))
                times[method].append(result["seconds"] * 1000)
                with admin.connect() as connection:
                    connection.exec_driver_sql(f"DROP DATABASE {run}")
        with admin.connect() as connection:
            connection.exec_driver_sql(f"DROP DATABASE {template}")
        a, b = statistics.median(times["a"]), statistics.median(times["b"])
        lines.append(f"| {users:,} | {a:.0f} ms | {b:.0f} ms | {a / b:.2f} |")
    admin.dispose()
    return "\n".join(lines) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, nargs="+", default=[10_000, 100_000, 200_000, 1_000_000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--results", type=Path, default=RESULTS, help="folder for drop_column.md and .svg")
    parser.add_argument("--measure", nargs=2, metavar=("METHOD", "DATABASE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(*args.measure)))
        return

    runs = {}
    with tempfile.TemporaryDirectory() as scratch:
        for users in args.users:
            template = Path(scratch) / f"template-{users}.sqlite"
            build_template(template, users)
            runs[users] = {method: [] for method in "abc"}
            for repetition in range(args.repeat):
                # The methods take turns, so a slow moment of the machine does not land on one of them.
                order = "abc"[repetition % 3 :] + "abc"[: repetition % 3]
                for method in order:
                    runs[users][method].append(run_in_fresh_process(method, template, scratch))
            print(f"{users:,} users done", file=sys.stderr)
            template.unlink()
    table = summarize(args.users, runs)
    if os.environ.get("TEST_POSTGRES_URL"):
        table += postgres_table(os.environ["TEST_POSTGRES_URL"], args.users, args.repeat)
    else:
        table += "\nPostgreSQL: not measured (set TEST_POSTGRES_URL to a server to include it).\n"
    args.results.mkdir(exist_ok=True)
    (args.results / "drop_column.md").write_text(table)
    plot(args.users, runs, args.results / "drop_column.svg")
    print(table)


if __name__ == "__main__":
    main()
