"""A real browser walks through the app: register, log in, post, read, log out, and be turned away."""

import os
import shutil
import threading

import pytest
from flask_migrate import upgrade
from werkzeug.serving import make_server

from app.extensions import db
from tests.helpers import MIGRATIONS, ROOT, app_for

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-background-networking", "--disable-component-update"]
ARTIFACTS = ROOT / "test-artifacts"


@pytest.fixture
def live_server(tmp_path):
    """Serve the app on a free 127.0.0.1 port from a thread, on a freshly migrated database."""
    app = app_for(f"sqlite:///{tmp_path / 'browser.sqlite'}")
    with app.app_context():
        upgrade(directory=MIGRATIONS)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def page(request):
    """A Chromium page; a screenshot of it is kept in test-artifacts/ when the test fails."""
    if not shutil.which(CHROMIUM):
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI must run the browser test, and {CHROMIUM} is missing")
        pytest.skip(f"the browser test needs Debian's Chromium at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        page = browser.new_page()
        page.set_default_timeout(10_000)
        yield page
        if request.node.rep_call.failed:
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=ARTIFACTS / f"{request.node.name}.png", full_page=True)
        browser.close()


@pytest.mark.slow
def test_the_security_policy_lets_the_stylesheet_load_and_the_forms_post(live_server, page):
    # Only a browser enforces Content-Security-Policy: the app's own CSS and forms must pass it.
    messages = []
    page.on("console", lambda message: messages.append(message.text))
    page.goto(f"{live_server}/auth/register")
    assert page.evaluate("getComputedStyle(document.body).maxWidth") == "640px"  # 40rem, from style.css
    page.fill("#username", "csp")
    page.fill("#email", "csp@example.com")
    page.fill("#password", "pw")
    page.fill("#password2", "pw")
    page.click("#submit")
    assert page.url == f"{live_server}/auth/login"
    assert not [message for message in messages if "Content Security Policy" in message]


@pytest.mark.slow
def test_a_visitor_registers_posts_reads_and_logs_out(live_server, page):
    page.goto(f"{live_server}/auth/register")
    page.fill("#username", "browser")
    page.fill("#email", "browser@example.com")
    page.fill("#password", "a long passphrase")
    page.fill("#password2", "a long passphrase")
    page.click("#submit")
    assert page.url == f"{live_server}/auth/login"
    assert page.locator(".flash").inner_text() == "Welcome! You can log in now."

    page.fill("#username", "browser")
    page.fill("#password", "a long passphrase")
    page.click("#submit")
    assert page.url == f"{live_server}/"
    assert page.locator(".flash").inner_text() == "Welcome back, browser."

    page.fill("#post", "Written by a real browser <b>not bold</b>")
    page.click("#submit")
    assert page.locator(".flash").inner_text() == "Your post is live."
    assert page.locator(".post p").first.inner_text() == "Written by a real browser <b>not bold</b>"

    page.click("text=Profile")
    assert page.url == f"{live_server}/user/browser"
    assert page.locator(".post p").first.inner_text() == "Written by a real browser <b>not bold</b>"

    page.click("text=Log out")
    assert page.locator(".flash").inner_text() == "You have been logged out."
    page.goto(f"{live_server}/post")
    assert page.url == f"{live_server}/auth/login?next=%2Fpost"
    assert "Please log in to see this page." in page.locator(".flash").inner_text()
