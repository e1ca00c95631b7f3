"""Logging out ends every session of the user: saved session and remember-me cookies stop working."""

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import User
from tests.helpers import submit

PASSWORD = "correct horse"


@pytest.fixture
def app_database_url(database_url):
    """Run the conftest `app` on an empty database of each engine."""
    return database_url


def logged_in_browser(app, remember=True):
    """Register alice and log her in, in a browser of her own."""
    browser = app.test_client()
    data = {"username": "alice", "email": "alice@example.com", "password": PASSWORD, "password2": PASSWORD}
    submit(browser, "/auth/register", data)
    submit(browser, "/auth/login", {"username": "alice", "password": PASSWORD, "remember_me": "y" if remember else ""})
    return browser


def saved_cookies(browser):
    """Copy the cookies a browser holds, as someone who saved them would."""
    return {name: browser.get_cookie(name).value for name in ("session", "remember_token") if browser.get_cookie(name)}


def is_logged_in_with(app, cookies):
    """Open the timeline in a new browser that carries only these cookies, and tell whether it is logged in."""
    browser = app.test_client()
    for name, value in cookies.items():
        browser.set_cookie(name, value)
    return "Log out" in browser.get("/").get_data(as_text=True)


def test_saved_cookies_stop_working_once_the_user_logs_out(app):
    browser = logged_in_browser(app)
    cookies = saved_cookies(browser)
    assert set(cookies) == {"session", "remember_token"}
    assert is_logged_in_with(app, cookies)
    assert is_logged_in_with(app, {"remember_token": cookies["remember_token"]})

    submit(browser, "/auth/logout", {}, form_page="/")
    assert not is_logged_in_with(app, cookies)
    assert not is_logged_in_with(app, {"session": cookies["session"]})
    assert not is_logged_in_with(app, {"remember_token": cookies["remember_token"]})


def test_logging_out_in_one_browser_ends_the_session_in_another(app):
    laptop, phone = logged_in_browser(app, remember=False), app.test_client()
    submit(phone, "/auth/login", {"username": "alice", "password": PASSWORD})
    assert "Log out" in phone.get("/").get_data(as_text=True)

    submit(laptop, "/auth/logout", {}, form_page="/")
    assert "Log out" not in phone.get("/").get_data(as_text=True)


def test_a_login_after_a_logout_carries_a_new_token(app):
    browser = logged_in_browser(app)
    first = browser.get_cookie("remember_token").value
    submit(browser, "/auth/logout", {}, form_page="/")
    submit(browser, "/auth/login", {"username": "alice", "password": PASSWORD, "remember_me": "y"})
    assert browser.get_cookie("remember_token").value != first
    with app.app_context():
        assert len(db.session.scalar(sa.select(User.session_token))) == 32


def test_a_cookie_that_names_only_the_user_id_is_refused(app):
    logged_in_browser(app)
    browser = app.test_client()
    with browser.session_transaction() as session:
        session["_user_id"] = "1"  # What the app kept in the cookie before session tokens.
        session["_fresh"] = True
    assert "Log out" not in browser.get("/").get_data(as_text=True)
