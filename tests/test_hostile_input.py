"""Generated hostile input against every form and URL parameter: never a 5xx, and a refusal changes nothing."""

from urllib.parse import quote

import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.extensions import db
from app.models import Post, User
from tests.helpers import submit

FRAGMENTS = [
    "' OR '1'='1",
    "Robert'); DROP TABLE user;--",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "\x00",
    "%00",
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
hostile_text = st.one_of(
    st.text(st.characters(exclude_categories=["Cs"]), max_size=200),
    st.sampled_from(FRAGMENTS),
    st.text(st.characters(exclude_categories=["Cs"]), min_size=1000, max_size=3000),
    st.lists(st.sampled_from(FRAGMENTS), min_size=2, max_size=4).map("".join),
)
HOSTILE = settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
# How many generated inputs each target gets; 1,050 in all.
EXAMPLES = {"register": 300, "login": 200, "post": 200, "page": 150, "profile": 100, "next": 100}


def counts():
    return db.session.scalar(sa.select(sa.func.count(User.id))), db.session.scalar(sa.select(sa.func.count(Post.id)))


def assert_refusal_changed_nothing(response, before):
    assert response.status_code < 500, response.status_code
    if response.status_code != 302:  # Only an accepted form redirects.
        db.session.rollback()
        assert counts() == before


@settings(HOSTILE, max_examples=EXAMPLES["register"])
@given(username=hostile_text, email=hostile_text, password=hostile_text, password2=hostile_text)
def test_register_survives_hostile_input(client, username, email, password, password2):
    before = counts()
    data = {"username": username, "email": email, "password": password, "password2": password2}
    assert_refusal_changed_nothing(submit(client, "/auth/register", data), before)


@settings(HOSTILE, max_examples=EXAMPLES["login"])
@given(username=hostile_text, password=hostile_text, remember=st.sampled_from(["", "y", "\x00", "yes" * 100]))
def test_login_survives_hostile_input(client, username, password, remember):
    before = counts()
    data = {"username": username, "password": password, "remember_me": remember}
    assert_refusal_changed_nothing(submit(client, "/auth/login", data), before)


@settings(HOSTILE, max_examples=EXAMPLES["post"])
@given(body=hostile_text)
def test_new_post_survives_hostile_input(client, auth, body):
    if not db.session.scalar(sa.select(User.id)):
        auth.register()
        auth.login()
    before = counts()
    response = submit(client, "/post", {"post": body})
    assert_refusal_changed_nothing(response, before)
    if response.status_code == 302:
        assert db.session.scalar(sa.select(Post.body).order_by(Post.id.desc()).limit(1)) == body


@settings(HOSTILE, max_examples=EXAMPLES["page"])
@given(page=hostile_text)
def test_page_parameter_survives_hostile_input(client, page):
    assert client.get(f"/?page={quote(page)}").status_code in (200, 404)


@settings(HOSTILE, max_examples=EXAMPLES["profile"])
@given(username=hostile_text.filter(lambda text: text.strip("/")))
def test_profile_url_survives_hostile_input(client, username):
    assert client.get(f"/user/{quote(username, safe='')}").status_code in (200, 308, 404)


@settings(HOSTILE, max_examples=EXAMPLES["next"])
@given(next_page=hostile_text)
def test_login_next_parameter_survives_hostile_input(client, auth, next_page):
    if not db.session.scalar(sa.select(User.id)):
        auth.register()
    response = submit(
        client, f"/auth/login?next={quote(next_page)}", {"username": "alice", "password": "correct horse"}
    )
    assert response.status_code == 302
    location = response.headers["Location"]
    assert location.startswith("/") and not location.startswith("//") and "\\" not in location.split("?")[0][:2]
    auth.logout()
