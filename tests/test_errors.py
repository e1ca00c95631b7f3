"""The friendly error pages."""

import pytest


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


@pytest.mark.parametrize("path", ["/", "/auth/login", "/auth/register"])
def test_pages_load(client, path):
    assert client.get(path).status_code == 200
