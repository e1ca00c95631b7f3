"""Every response carries the security headers (pages, error pages, redirects, static files) in each configuration."""

import re

import pytest

from app import create_app
from app.extensions import db
from config import Config, ProductionConfig
from tests.helpers import ROOT

EXPECTED = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}


@pytest.fixture(params=["development", "production"])
def configured_app(request):
    """The app in the development or the production settings, on an in-memory database, holding no app context."""
    if request.param == "production":
        app = create_app(ProductionConfig, {"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "k" * 64})
    else:
        app = create_app(Config, {"SQLALCHEMY_DATABASE_URI": "sqlite://"})

    @app.route("/crash")
    def crash():
        raise RuntimeError("boom")

    with app.app_context():
        db.create_all()
    yield app
    with app.app_context():
        db.engine.dispose()


def policy(response):
    """Read the Content-Security-Policy header as {directive: [sources]}."""
    directives = (part.split() for part in response.headers["Content-Security-Policy"].split(";"))
    return {words[0]: words[1:] for words in directives if words}


@pytest.mark.parametrize(
    ("path", "method", "status"),
    [
        ("/", "get", 200),
        ("/auth/login", "get", 200),
        ("/static/style.css", "get", 200),
        ("/no/such/page", "get", 404),
        ("/auth/logout", "get", 405),
        ("/auth/register", "post", 400),  # No form token: the CSRF page.
        ("/crash", "get", 500),
        ("/post", "get", 302),  # Not logged in: sent to the login page.
    ],
)
def test_every_kind_of_response_carries_the_security_headers(configured_app, path, method, status):
    with getattr(configured_app.test_client(), method)(path) as response:  # Closes the static file it sends.
        assert response.status_code == status
    for name, value in EXPECTED.items():
        assert response.headers.get(name) == value, name
    sources = policy(response)
    assert sources["default-src"] == ["'self'"]
    assert sources["frame-ancestors"] == ["'none'"]
    assert sources["object-src"] == ["'none'"]
    assert sources["form-action"] == ["'self'"]
    assert "script-src" not in sources and "style-src" not in sources  # Both fall back to 'self' alone.


def test_no_configuration_redirects_to_https_itself(configured_app):
    # TLS ends at the proxy in front of the app, which talks to it over plain HTTP.
    response = configured_app.test_client().get("/", base_url="http://blog.example")
    assert response.status_code == 200
    assert "Strict-Transport-Security" not in response.headers


def test_a_header_a_view_sets_itself_is_kept(configured_app):
    @configured_app.route("/embeddable")
    def embeddable():
        return "framed", {"X-Frame-Options": "SAMEORIGIN"}

    response = configured_app.test_client().get("/embeddable")
    assert response.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


INLINE_CODE = re.compile(r"<script|<style|\sstyle=|\son[a-z]+=|javascript:", re.IGNORECASE)


@pytest.mark.parametrize("template", sorted((ROOT / "app" / "templates").rglob("*.html")), ids=lambda path: path.name)
def test_templates_have_no_inline_script_or_style_the_policy_would_block(template):
    assert not INLINE_CODE.findall(template.read_text())
