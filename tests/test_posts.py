"""The timeline, profiles and writing posts."""

import io
import json
from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from app.extensions import db
from app.models import Post, User
from tests.helpers import CSRF_TOKEN, MIGRATIONS, submit


def add_posts(app, count, username="carol"):
    """Give a new user `count` posts, one minute apart, oldest first."""
    author = User(username=username, email=f"{username}@example.com")
    start = datetime(2024, 1, 1)
    with app.app_context():
        db.session.add_all(
            Post(body=f"post {n}", author=author, timestamp=start + timedelta(minutes=n)) for n in range(count)
        )
        db.session.commit()


def test_timeline_is_public_and_offers_no_form_to_strangers(app, client):
    add_posts(app, 1)
    page = client.get("/").get_data(as_text=True)
    assert "post 0" in page
    assert "Say something" not in page


def test_timeline_shows_newest_first_and_pages(app, client):
    add_posts(app, 5)  # TestConfig shows 3 posts a page.
    first = client.get("/").get_data(as_text=True)
    assert first.index("post 4") < first.index("post 3") < first.index("post 2")
    assert "post 1" not in first
    assert 'href="/?page=2"' in first
    second = client.get("/?page=2").get_data(as_text=True)
    assert "post 1" in second and "post 0" in second and "post 4" not in second


@pytest.mark.parametrize("count", [5, 6])
def test_only_pages_that_exist_are_linked(app, client, count):
    add_posts(app, count)  # The last page is part full with 5 posts, and exactly full with 6.
    first = client.get("/").get_data(as_text=True)
    assert "Newer posts" not in first and 'href="/?page=2">Older posts' in first
    last = client.get("/?page=2").get_data(as_text=True)
    assert 'href="/?page=1">Newer posts' in last and "Older posts" not in last


def test_a_page_past_the_end_is_not_found(app, client):
    add_posts(app, 2)
    response = client.get("/?page=9")
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)


@pytest.mark.parametrize("page", ["abc", "0", "-1", "1.5", "99999999999999999999"])
def test_a_page_that_is_not_a_page_number_is_not_found(app, client, page):
    add_posts(app, 1)
    response = client.get(f"/?page={page}")
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)


def test_writing_a_post_shows_it_on_timeline_and_profile(app, client, auth):
    auth.register()
    auth.login()
    response = submit(client, "/post", {"post": "Hello, migrations!"}, form_page="/")
    assert response.headers["Location"] == "/"
    assert "Your post is live." in client.get("/").get_data(as_text=True)
    assert "Hello, migrations!" in client.get("/").get_data(as_text=True)
    assert "Hello, migrations!" in client.get("/user/alice").get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(Post)).author.username == "alice"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("", "A post cannot be empty."),
        ("   ", "A post cannot be empty."),
        ("x" * 141, "A post can be at most 140 characters long."),
    ],
)
def test_a_bad_post_is_refused_with_a_message(app, client, auth, body, message):
    auth.register()
    auth.login()
    response = submit(client, "/post", {"post": body})
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Post.id))) == 0


def test_a_post_of_exactly_140_characters_is_accepted(app, client, auth):
    auth.register()
    auth.login()
    submit(client, "/post", {"post": "x" * 140})
    with app.app_context():
        assert db.session.scalar(sa.select(Post.body)) == "x" * 140


def test_posting_requires_login(app, client):
    assert client.get("/post").headers["Location"] == "/auth/login?next=%2Fpost"
    # Without a form token the CSRF check refuses first; with one, the login check does.
    assert client.post("/post", data={"post": "sneaky"}).status_code == 400
    response = submit(client, "/post", {"post": "sneaky"}, form_page="/auth/login")
    assert response.headers["Location"] == "/auth/login?next=%2Fpost"
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Post.id))) == 0


def test_profile_shows_only_that_users_posts(app, client):
    add_posts(app, 2, username="carol")
    add_posts(app, 1, username="dave")
    page = client.get("/user/dave").get_data(as_text=True)
    assert "<h1>dave</h1>" in page
    assert page.count('class="post"') == 1


def test_profile_of_an_unknown_user_is_not_found(client):
    assert client.get("/user/nobody").status_code == 404


def test_user_content_is_escaped(app, client):
    # A username cannot hold markup (the username rule), so a post body carries it here.
    author = User(username="mallory", email="mallory@example.com")
    with app.app_context():
        db.session.add(Post(body="<script>alert(1)</script><img src=x onerror=alert(1)>", author=author))
        db.session.commit()
    for path in ("/", "/user/mallory"):
        page = client.get(path).get_data(as_text=True)
        assert "<script>alert(1)</script>" not in page and "<img src=x" not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;" in page


def send_post(client, body, as_json=False):
    """Send a post from the form page's token, as a form field, a file upload or JSON."""
    token = CSRF_TOKEN.search(client.get("/post").get_data(as_text=True)).group(1)
    if as_json:
        data = json.dumps({"post": body})
        return client.post("/post", data=data, content_type="application/json", headers={"X-CSRFToken": token})
    return client.post("/post", data={"csrf_token": token, "post": body}, content_type="multipart/form-data")


@pytest.mark.parametrize(
    ("body", "as_json"),
    [((io.BytesIO(b"hello"), "hello.txt"), False), ("hello", True), (140, True), (None, True), ({"x": "y"}, True)],
)
def test_a_post_sent_as_a_file_or_as_json_is_an_empty_post(app, client, auth, body, as_json):
    # The form reads request.form only, where a browser puts text: an upload or a JSON body is not read.
    auth.register()
    auth.login()
    response = send_post(client, body, as_json)
    assert response.status_code == 200
    assert "A post cannot be empty." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Post.id))) == 0


def test_a_post_of_text_is_accepted_from_a_multipart_form_too(app, client, auth):
    auth.register()
    auth.login()
    assert send_post(client, "Sent by a script").headers["Location"] == "/"
    with app.app_context():
        assert db.session.scalar(sa.select(Post.body)) == "Sent by a script"


@pytest.mark.parametrize("body", ["a\x00b", "\x00"])
def test_a_post_with_a_nul_is_refused_on_every_engine(engine_app, body):
    with engine_app.app_context():
        db.create_all()
    client = engine_app.test_client()
    data = {"username": "alice", "email": "alice@example.com", "password": "pw", "password2": "pw"}
    submit(client, "/auth/register", data)
    submit(client, "/auth/login", {"username": "alice", "password": "pw"})
    response = submit(client, "/post", {"post": body})
    assert response.status_code == 200
    assert "Please use only ordinary characters here." in response.get_data(as_text=True)
    with engine_app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Post.id))) == 0


def test_a_post_without_an_author_a_username_a_time_or_a_body_renders_on_every_engine(engine_app):
    """Every row the schema allows renders: such a post shows as by "unknown author", with no time.

    The columns stay nullable, as the first revision made them, and _posts.html draws what is there.
    NOT NULL columns (microblog's current models) would be the other way, but they take a new revision,
    and a new head changes what every page of the tutorial shows; the template alone needs none.
    """
    with engine_app.app_context():
        upgrade(directory=MIGRATIONS)
        users, posts = User.__table__, Post.__table__
        with db.engine.begin() as connection:
            alice = connection.execute(sa.insert(users).values(username="alice", email="alice@example.com"))
            nameless = connection.execute(sa.insert(users).values(username=None, email="nameless@example.com"))
            # Each value given, None too: the model's default would otherwise fill in the time.
            connection.execute(
                sa.insert(posts),
                [
                    {"body": "no author, no time", "user_id": None, "timestamp": None},
                    {"body": None, "user_id": nameless.inserted_primary_key[0], "timestamp": datetime(2024, 1, 1)},
                    {"body": "by alice, no time", "user_id": alice.inserted_primary_key[0], "timestamp": None},
                ],
            )
    client = engine_app.test_client()
    timeline = client.get("/")
    assert timeline.status_code == 200
    page = timeline.get_data(as_text=True)
    assert page.count('class="post"') == 3 and page.count("unknown author") == 2
    assert "no author, no time" in page and "<p></p>" in page and "None" not in page
    assert page.count("<time") == 1 and '<time datetime="2024-01-01T00:00:00">2024-01-01 00:00</time>' in page
    assert '<a href="/user/alice">alice</a>' in page
    profile = client.get("/user/alice")
    assert profile.status_code == 200
    page = profile.get_data(as_text=True)
    assert "by alice, no time" in page and "<time" not in page
