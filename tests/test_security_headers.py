"""Every response carries the security headers (pages, error pages, redirects, static files) in each configuration."""

import os
import re
import shutil
import threading

import pytest
from werkzeug.serving import make_server

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
def app(request):
    """The app in the development or the production settings, on an in-memory database."""
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
        db.session.remove()


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
def test_every_kind_of_response_carries_the_security_headers(app, path, method, status):
    with getattr(app.test_client(), method)(path) as response:  # Closes the static file it sends.
        assert response.status_code == status
    for name, value in EXPECTED.items():
        assert response.headers.get(name) == value, name
    sources = policy(response)
    assert sources["default-src"] == ["'self'"]
    assert sources["frame-ancestors"] == ["'none'"]
    assert sources["object-src"] == ["'none'"]
    assert sources["form-action"] == ["'self'"]
    assert "script-src" not in sources and "style-src" not in sources  # Both fall back to 'self' alone.


def test_no_configuration_redirects_to_https_itself(app):
    # TLS ends at the proxy in front of the app, which talks to it over plain HTTP.
    response = app.test_client().get("/", base_url="http://blog.example")
    assert response.status_code == 200
    assert "Strict-Transport-Security" not in response.headers


def test_a_header_a_view_sets_itself_is_kept(app):
    @app.route("/embeddable")
    def embeddable():
        return "framed", {"X-Frame-Options": "SAMEORIGIN"}

    response = app.test_client().get("/embeddable")
    assert response.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


CHROMIUM = "/usr/bin/chromium"
INLINE_CODE = re.compile(r"<script|<style|\sstyle=|\son[a-z]+=|javascript:", re.IGNORECASE)


@pytest.mark.parametrize("template", sorted((ROOT / "app" / "templates").rglob("*.html")), ids=lambda path: path.name)
def test_templates_have_no_inline_script_or_style_the_policy_would_block(template):
    assert not INLINE_CODE.findall(template.read_text())


@pytest.mark.slow
def test_a_browser_applies_the_stylesheet_and_submits_forms_under_the_policy(tmp_path):
    # Only a browser enforces the policy: it must load the app's CSS and let its forms post.
    if not shutil.which(CHROMIUM):
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI must run the browser tests, and {CHROMIUM} is missing")
        pytest.skip(f"needs Debian's Chromium at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    app = create_app(Config, {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'csp.sqlite'}"})
    with app.app_context():
        db.create_all()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    site = f"http://127.0.0.1:{server.server_port}"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--headless", "--no-sandbox"])
            page = browser.new_page()
            messages = []
            page.on("console", lambda message: messages.append(message.text))
            page.goto(f"{site}/auth/register")
            assert page.evaluate("getComputedStyle(document.body).maxWidth") == "640px"  # 40rem, from style.css
            page.fill("#username", "csp")
            page.fill("#email", "csp@example.com")
            page.fill("#password", "pw")
            page.fill("#password2", "pw")
            page.click("#submit")
            assert page.url == f"{site}/auth/login"
            browser.close()
        assert not [message for message in messages if "Content Security Policy" in message]
    finally:
        server.shutdown()
        with app.app_context():
            db.engine.dispose()
