"""Generated hostile requests against every form and URL on every engine: never a 5xx, and a refusal saves nothing.

Besides hostile text in every field, the requests include the shapes a black-box fuzzer sent
that browsers never do: JSON bodies of every JSON type, fields sent as file uploads, a NUL
anywhere, and a CR/LF or tab in a login's `next`.
"""

import io
import json
from urllib.parse import quote

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.extensions import db
from app.models import Post, User
from tests.helpers import CSRF_TOKEN, submit

FRAGMENTS = [
    "' OR '1'='1",
    "Robert'); DROP TABLE user;--",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "\x00",
    "%00",
    "\r\n",
    "/\r\nSet-Cookie: session=stolen",
    "/\t/evil.example",
    "/\n/evil.example",
    "../../etc/passwd",
    "\u202eevil",
    "😀" * 50,
    "//evil.example",
    "\\\\evil.example",
    "javascript:alert(1)",
    "-1",
    "99999999999999999999999",
]
# Any text a request can carry (lone surrogates cannot be encoded, so no browser sends them).
any_text = st.text(st.characters(exclude_categories=["Cs"]), max_size=200)
hostile_text = st.one_of(
    any_text,
    st.sampled_from(FRAGMENTS),
    st.text(st.characters(exclude_categories=["Cs"]), min_size=1000, max_size=3000),
    st.lists(st.sampled_from(FRAGMENTS), min_size=2, max_size=4).map("".join),
    # A NUL anywhere in otherwise ordinary text: PostgreSQL refuses to even compare one.
    st.tuples(any_text, any_text).map("\x00".join),
)
# Every JSON type, nested, where a form expects text; JSON can also spell the lone surrogates forms cannot.
json_text = hostile_text | st.text(st.characters(categories=["Cs"]) | st.characters(), min_size=1, max_size=20)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | json_text,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(any_text, inner, max_size=3),
    max_leaves=6,
)
# A field sent as a file upload: (file contents, file name).
uploads = st.tuples(st.binary(max_size=100) | hostile_text.map(str.encode), st.sampled_from(["a.txt", "", "x.exe"]))

FORMS = {
    "/auth/register": ["username", "email", "password", "password2"],
    "/auth/login": ["username", "password", "remember_me"],
    "/post": ["post"],
}
HOSTILE = settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
# Generated inputs per target and engine (SQLite, PostgreSQL, MariaDB): 690 + 345 + 345 = 1,380 per
# run in CI, which runs every engine; a run without servers skips theirs. The servers get half as
# many to keep this file well under a minute on a busy machine (about 16 s on an idle one).
EXAMPLES = {
    "register": (150, 75, 75),
    "login": (80, 40, 40),
    "post": (80, 40, 40),
    "json": (150, 75, 75),
    "multipart": (80, 40, 40),
    "next": (80, 40, 40),
    "page": (40, 20, 20),
    "profile": (30, 15, 15),
}
ENGINES = ("sqlite", "postgresql", "mysql")


@pytest.fixture
def app_database_url(database_url):
    """Run the conftest `app`, and with it `client` and `auth`, on an empty database of each engine."""
    return database_url


def explore(app, target, check, **strategies):
    """Run `check` on generated inputs, as many as EXAMPLES gives `target` on the app's engine."""
    engine = sa.make_url(app.config["SQLALCHEMY_DATABASE_URI"]).get_backend_name()
    settings(HOSTILE, max_examples=EXAMPLES[target][ENGINES.index(engine)])(given(**strategies)(check))()


def counts(app):
    """Count the users and the posts."""
    with app.app_context():
        return tuple(db.session.scalar(sa.select(sa.func.count()).select_from(table)) for table in (User, Post))


def csrf_token(client, page="/auth/register"):
    """Read the form token a page gives this client; it stays valid for the client's session."""
    return CSRF_TOKEN.search(client.get(page).get_data(as_text=True)).group(1)


def member(app):
    """A second client, logged in as a user of its own, for the form only members see."""
    client = app.test_client()
    data = {"username": "member", "email": "member@example.com", "password": "pw", "password2": "pw"}
    submit(client, "/auth/register", data)
    assert submit(client, "/auth/login", {"username": "member", "password": "pw"}).status_code == 302
    return client


def assert_refusal_changed_nothing(app, response, before):
    """No 5xx; a form shown again names what was wrong; and only an accepted form changed the tables."""
    assert response.status_code < 500, response.status_code
    if response.status_code == 200:
        assert 'class="error"' in response.get_data(as_text=True)
    if response.status_code != 302:  # Only an accepted form (or a failed login) redirects.
        assert counts(app) == before


def test_register_survives_hostile_input(app, client):
    def check(username, email, password, password2):
        before = counts(app)
        data = {"username": username, "email": email, "password": password, "password2": password2}
        assert_refusal_changed_nothing(app, submit(client, "/auth/register", data), before)

    explore(
        app, "register", check, username=hostile_text, email=hostile_text, password=hostile_text, password2=hostile_text
    )


def test_login_survives_hostile_input(app, client, auth):
    auth.register()

    def check(username, password, remember):
        before = counts(app)
        response = submit(client, "/auth/login", {"username": username, "password": password, "remember_me": remember})
        assert_refusal_changed_nothing(app, response, before)
        if response.status_code == 302 and response.headers["Location"] == "/":
            auth.logout()  # Generated text guessed alice's password: start the next example logged out.

    explore(app, "login", check, username=hostile_text, password=hostile_text, remember=hostile_text)


def test_new_post_survives_hostile_input(app):
    client = member(app)

    def check(body):
        before = counts(app)
        response = submit(client, "/post", {"post": body})
        assert_refusal_changed_nothing(app, response, before)
        if response.status_code == 302:
            with app.app_context():
                assert db.session.scalar(sa.select(Post.body).order_by(Post.id.desc()).limit(1)) == body

    explore(app, "post", check, body=hostile_text)


def json_body(path):
    """Generate a JSON body for a form: an object with any JSON value in its fields, or any other JSON value."""
    fields = st.fixed_dictionaries({}, optional=dict.fromkeys(FORMS[path], json_values))
    return st.tuples(st.just(path), fields | json_values)


def test_json_bodies_of_every_type_are_never_read_and_save_nothing(app, client):
    clients = {"/auth/register": client, "/auth/login": client, "/post": member(app)}
    # A JSON client sends its token in a header. The forms read only request.form, so the body is never read.
    tokens = {path: csrf_token(clients[path], "/" if path == "/post" else path) for path in FORMS}

    def check(sent):
        path, body = sent
        before = counts(app)
        response = clients[path].post(
            path, data=json.dumps(body), content_type="application/json", headers={"X-CSRFToken": tokens[path]}
        )
        assert_refusal_changed_nothing(app, response, before)
        assert response.status_code != 302 and counts(app) == before

    explore(app, "json", check, sent=st.sampled_from(list(FORMS)).flatmap(json_body))


def multipart_body(path):
    """Generate a form's fields as a multipart body, each one either text or a file upload."""
    return st.tuples(st.just(path), st.fixed_dictionaries(dict.fromkeys(FORMS[path], uploads | hostile_text)))


def test_fields_sent_as_files_are_never_read_and_save_nothing(app, client):
    clients = {"/auth/register": client, "/auth/login": client, "/post": member(app)}
    tokens = {path: csrf_token(clients[path], "/" if path == "/post" else path) for path in FORMS}

    def check(sent):
        path, fields = sent
        before = counts(app)
        data = {"csrf_token": tokens[path]}
        for name, value in fields.items():
            data[name] = (io.BytesIO(value[0]), value[1]) if isinstance(value, tuple) else value
        response = clients[path].post(path, data=data, content_type="multipart/form-data")
        assert_refusal_changed_nothing(app, response, before)
        if any(isinstance(value, tuple) for value in fields.values()):
            assert counts(app) == before  # A field sent as a file is a field left out.

    explore(app, "multipart", check, sent=st.sampled_from(list(FORMS)).flatmap(multipart_body))


def test_login_next_parameter_survives_hostile_input(app, client, auth):
    auth.register()

    def check(next_page):
        response = auth.login(next_page=quote(next_page))
        # The login itself succeeded, whatever `next` held: the user is sent somewhere on this site.
        assert response.status_code == 302
        location = response.headers["Location"]
        assert location.startswith("/") and not location.startswith("//") and "\\" not in location
        assert not any(ord(character) < 32 or character == "\x7f" for character in location)
        auth.logout()

    explore(app, "next", check, next_page=hostile_text)


def test_page_parameter_survives_hostile_input(app, client):
    def check(page):
        assert client.get(f"/?page={quote(page)}").status_code in (200, 404)

    explore(app, "page", check, page=hostile_text)


def test_profile_url_survives_hostile_input(app, client):
    def check(username):
        assert client.get(f"/user/{quote(username, safe='')}").status_code in (200, 308, 404)

    explore(app, "profile", check, username=hostile_text.filter(lambda text: text.strip("/")))
