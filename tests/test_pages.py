"""Pages do not grow with the table: a fixed number of statements, and indexes behind them."""

from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Post, User
from tests.helpers import statements_run


def add_rows(app, users, posts_per_user):
    """Insert users and their posts in bulk."""
    start = datetime(2024, 1, 1)
    with app.app_context():
        db.session.execute(
            sa.insert(User), [{"username": f"u{n}", "email": f"u{n}@example.com"} for n in range(1, users + 1)]
        )
        db.session.execute(
            sa.insert(Post),
            [
                {"body": f"post {n}", "user_id": n % users + 1, "timestamp": start + timedelta(seconds=n)}
                for n in range(users * posts_per_user)
            ],
        )
        db.session.commit()


@pytest.mark.parametrize("path", ["/", "/user/u1", "/?page=2", "/user/u1?page=2"])
def test_a_page_issues_the_same_few_statements_whatever_the_table_size(app, client, path):
    add_rows(app, users=10, posts_per_user=10)
    with statements_run(lookups=True, with_parameters=True) as small:
        assert client.get(path).status_code == 200
    with app.app_context():
        db.session.execute(sa.insert(Post), [{"body": "more", "user_id": 1 + n % 10} for n in range(500)])
        db.session.commit()
    with statements_run(lookups=True, with_parameters=True) as large:
        assert client.get(path).status_code == 200
    assert len(small) == len(large) <= 3


def query_plans(app, path):
    """Ask SQLite how it runs each statement behind a page, keyed by 'page' (LIMIT queries) or 'other'."""
    with statements_run(lookups=True, with_parameters=True) as seen:
        app.test_client().get(path)
    plans = {"page": [], "other": []}
    with app.app_context(), db.engine.connect() as connection:
        for statement, parameters in seen:
            plan = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)
            # SQLite before 3.36 writes "SCAN TABLE post" where newer ones write "SCAN post".
            steps = (row[3].replace(" TABLE ", " ") for row in plan)
            plans["page" if "LIMIT" in statement else "other"].append(" / ".join(steps))
    return plans


def test_timeline_reads_posts_in_timestamp_order_from_its_index(app):
    add_rows(app, users=5, posts_per_user=20)
    page_plans = query_plans(app, "/")["page"]
    assert page_plans and all("SCAN post USING INDEX ix_post_timestamp" in plan for plan in page_plans), page_plans


def test_profile_finds_a_users_posts_through_the_user_id_index(app):
    add_rows(app, users=5, posts_per_user=20)
    plans = query_plans(app, "/user/u2")
    assert plans["page"] and all("SEARCH post USING INDEX ix_post_user_id (user_id=?)" in p for p in plans["page"])
    assert any("SEARCH user USING INDEX ix_user_username (username=?)" in plan for plan in plans["other"]), plans
    assert not any("SCAN post" in plan for plan in plans["page"] + plans["other"]), plans
