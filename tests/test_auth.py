"""Registering, logging in and logging out."""

import io
import json
from urllib.parse import quote

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import User
from tests.helpers import CSRF_TOKEN, statements_run, submit


def test_register_creates_the_user_and_sends_them_to_login(app, client, auth):
    response = auth.register()
    assert response.status_code == 302
    assert response.headers["Location"] == "/auth/login"
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.username == "alice"))
        assert user.email == "alice@example.com"


def test_real_configurations_hash_with_full_strength_pbkdf2():
    from config import Config, ProductionConfig

    assert Config.PASSWORD_HASH_METHOD == ProductionConfig.PASSWORD_HASH_METHOD == "pbkdf2:sha256"


def test_password_is_stored_hashed(app, client, auth):
    auth.register(password="correct horse")
    with app.app_context():
        user = db.session.scalar(sa.select(User))
        assert "correct horse" not in user.password_hash
        assert user.password_hash.startswith("pbkdf2:sha256:")
        # PostgreSQL and MariaDB refuse a hash longer than the column; SQLite would not notice.
        assert len(user.password_hash) <= User.__table__.c.password_hash.type.length
        assert user.check_password("correct horse")
        assert not user.check_password("wrong horse")


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"username": ""}, "This field is required."),
        ({"username": "taken"}, "That username is taken. Please choose another."),
        ({"username": "x" * 65}, "Field cannot be longer than 64 characters."),
        ({"email": "not-an-address"}, "Invalid email address."),
        ({"email": "taken@example.com"}, "That email address is already registered."),
        ({"email": "a" * 110 + "@example.com"}, "Field cannot be longer than 120 characters."),
        ({"password2": "something else"}, "The passwords do not match."),
        ({"password": "", "password2": ""}, "This field is required."),
    ],
)
def test_register_shows_why_the_form_was_refused(app, client, auth, fields, message):
    auth.register(username="taken", email="taken@example.com")
    data = {"username": "bob", "email": "bob@example.com", "password": "pw", "password2": "pw", **fields}
    response = submit(client, "/auth/register", data)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(User.id))) == 1


def test_login_and_logout(client, auth):
    auth.register()
    response = auth.login()
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    page = client.get("/").get_data(as_text=True)
    assert "Welcome back, alice." in page and "Log out" in page

    response = auth.logout()
    assert response.headers["Location"] == "/"
    assert "Log in" in client.get("/").get_data(as_text=True)


def test_login_with_a_wrong_password_says_so(client, auth):
    auth.register()
    response = auth.login(password="wrong")
    assert response.headers["Location"] == "/auth/login"
    assert "Invalid username or password." in client.get("/auth/login").get_data(as_text=True)


def test_remember_me_sets_a_lasting_cookie(client, auth):
    auth.register()
    submit(client, "/auth/login", {"username": "alice", "password": "correct horse", "remember_me": "y"})
    assert client.get_cookie("remember_token") is not None


def test_login_follows_a_local_next_page(client, auth):
    auth.register()
    response = auth.login(next_page="/user/alice")
    assert response.headers["Location"] == "/user/alice"


@pytest.mark.parametrize(
    "next_page",
    ["https://evil.example/", "//evil.example/", "/\\evil.example/", "\\\\evil.example", "javascript:alert(1)"],
)
def test_login_refuses_a_next_page_on_another_site(client, auth, next_page):
    auth.register()
    response = auth.login(next_page=next_page)
    assert response.headers["Location"] == "/"


@pytest.mark.parametrize("next_page", ["%5C", "/%5C", "user/alice"])
def test_login_sends_home_a_next_page_that_is_not_a_path_here(client, auth, next_page):
    auth.register()
    response = auth.login(next_page=next_page)
    assert response.headers["Location"] == "/"


def test_logged_in_user_is_sent_home_from_login_and_register(client, auth):
    auth.register()
    auth.login()
    assert client.get("/auth/login").headers["Location"] == "/"
    assert client.get("/auth/register").headers["Location"] == "/"


def test_a_form_without_its_csrf_token_is_refused_and_saves_nothing(app, client):
    response = client.post(
        "/auth/register",
        data={"username": "bob", "email": "bob@example.com", "password": "pw", "password2": "pw"},
    )
    assert response.status_code == 400
    assert "The CSRF token is missing." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(User.id))) == 0


def test_logout_needs_a_post_with_a_csrf_token(client, auth):
    auth.register()
    auth.login()
    response = client.get("/auth/logout")
    assert response.status_code == 405
    assert "This page cannot be opened that way" in response.get_data(as_text=True)
    assert client.post("/auth/logout").status_code == 400
    assert "Log out" in client.get("/").get_data(as_text=True)


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"username": "bob\x00"}, "username"),
        ({"username": "bob\nsmith"}, "username"),
        ({"email": "b\x07@x.org"}, "email"),
    ],
)
def test_register_refuses_control_characters(app, client, fields, field):
    data = {"username": "bob", "email": "bob@example.com", "password": "pw", "password2": "pw", **fields}
    response = submit(client, "/auth/register", data)
    assert "Please use only ordinary characters here." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(User.id))) == 0


@pytest.mark.parametrize(
    "next_page",
    ["/\r\nSet-Cookie: session=stolen", "/user/alice\n", "/\t/evil.example", "/\n/evil.example", "/user/\x00", "/\x7f"],
)
def test_login_with_a_control_character_in_next_logs_in_and_goes_home(client, auth, next_page):
    # The whole of `next` is checked: a CR/LF cannot go into a header, and browsers drop tabs and
    # line breaks from a URL, which would turn "/\t/evil.example" into another site.
    auth.register()
    response = auth.login(next_page=quote(next_page))
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert "Log out" in client.get("/").get_data(as_text=True)


def parameter_values(parameters):
    """List the values a driver received for one statement, which each driver may pass as a tuple or a dict."""
    return list(parameters.values()) if isinstance(parameters, dict) else list(parameters or ())


def registration(**fields):
    """A registration form's fields, valid unless `fields` says otherwise."""
    return {"username": "bob", "email": "bob@example.com", "password": "pw", "password2": "pw", **fields}


@pytest.mark.parametrize(
    "fields",
    [
        {"username": "bob\x00"},
        {"email": "bob\x00@example.com"},
        {"username": "b" * 65 + "\x00"},
        {"username": "bob\x7f"},
    ],
)
def test_register_never_asks_the_database_about_a_control_character(engine_app, fields):
    # On PostgreSQL, asking whether a name with a NUL is taken fails with a 500; PlainText stops the
    # field's checks, so validate_username and validate_email never send such a value to any engine.
    with engine_app.app_context():
        db.create_all()
    client = engine_app.test_client()
    refused = next(iter(fields.values()))
    with statements_run(lookups=True, with_parameters=True) as statements:
        response = submit(client, "/auth/register", registration(**fields))
    assert response.status_code == 200
    assert "Please use only ordinary characters here." in response.get_data(as_text=True)
    assert not [statement for statement, parameters in statements if refused in parameter_values(parameters)]
    with engine_app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(User.id))) == 0


def test_register_still_refuses_a_taken_name_after_the_other_checks_pass(engine_app):
    with engine_app.app_context():
        db.create_all()
    client = engine_app.test_client()
    submit(client, "/auth/register", registration())
    response = submit(client, "/auth/register", registration(email="other@example.com"))
    assert "That username is taken. Please choose another." in response.get_data(as_text=True)
    with engine_app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(User.id))) == 1


@pytest.mark.parametrize("path", ["/auth/register", "/auth/login"])
@pytest.mark.parametrize("field", ["username", "password"])
def test_a_field_sent_as_a_file_is_a_missing_field(app, client, auth, path, field):
    # The forms read request.form only, where a browser puts text: an upload is no field of theirs.
    auth.register(username="bob", email="bob@example.com", password="pw")
    token = CSRF_TOKEN.search(client.get(path).get_data(as_text=True)).group(1)
    data = {"csrf_token": token, **registration(), field: (io.BytesIO(b"bob"), "bob.txt")}
    response = client.post(path, data=data, content_type="multipart/form-data")
    assert response.status_code == 200
    assert "This field is required." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(User.id))) == 1
    assert "Log out" not in client.get("/").get_data(as_text=True)


def post_json(client, path, body):
    """Send `body` as a JSON body, with the form token in a header as a JSON client would."""
    token = CSRF_TOKEN.search(client.get(path).get_data(as_text=True)).group(1)
    return client.post(path, data=body, content_type="application/json", headers={"X-CSRFToken": token})


@pytest.mark.parametrize(
    "body",
    [
        json.dumps(registration()),
        *(json.dumps(registration(username=value)) for value in (7, None, {"name": "bob"}, ["bob", 2], "bob\ud800")),
        *(json.dumps(value) for value in ([], [["username", "bob"]], "bob", 42, True, None)),
        '{"username": ',
        "[" * 100_000 + "]" * 100_000,
        "\x00",
    ],
)
def test_a_json_body_is_a_form_with_every_field_missing(app, client, body):
    # Whatever the JSON holds, the right fields included, it is never read: no 5xx, and no one registered.
    response = post_json(client, "/auth/register", body)
    assert response.status_code == 200
    assert "This field is required." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(User.id))) == 0


def test_a_json_login_with_the_right_password_logs_no_one_in(client, auth):
    auth.register(username="bob", email="bob@example.com", password="pw")
    response = post_json(client, "/auth/login", json.dumps({"username": "bob", "password": "pw", "remember_me": ["y"]}))
    assert response.status_code == 200
    assert "This field is required." in response.get_data(as_text=True)
    assert client.get_cookie("remember_token") is None
    assert "Log out" not in client.get("/").get_data(as_text=True)
