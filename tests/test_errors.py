"""The friendly error pages."""

import pytest

from app.extensions import db
from app.models import User


def test_unknown_page_shows_the_not_found_page(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)


def test_a_crash_shows_the_apology_page(app):
    @app.route("/crash")
    def crash():
        raise RuntimeError("boom")

    # Testing mode re-raises errors; a deployed app shows the page instead.
    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = app.test_client().get("/crash")
    assert response.status_code == 500
    assert "Something went wrong" in response.get_data(as_text=True)
    assert "boom" not in response.get_data(as_text=True)


def test_the_apology_page_works_after_a_failed_write(app, client, auth):
    @app.route("/duplicate")
    def duplicate():
        db.session.add(User(username="alice", email="copy@example.com"))
        db.session.flush()  # alice exists: the database refuses, and the session needs a rollback.

    auth.register()
    auth.login()
    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = client.get("/duplicate")
    assert response.status_code == 500
    # The page shows who is logged in, which means asking the database after the failure.
    assert "Something went wrong" in response.get_data(as_text=True)
    assert "Log out" in response.get_data(as_text=True)


@pytest.mark.parametrize("path", ["/", "/auth/login", "/auth/register"])
def test_pages_load(client, path):
    assert client.get(path).status_code == 200
