"""Settings for the microblog, read from the environment where a deployment needs to change them."""

import os


class Config:
    """Settings for running the app on a developer's machine."""

    SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-secret-change-me")
    # A relative SQLite path lands in the instance folder (Flask-SQLAlchemy 3 does that), so
    # the default database is instance/blog.sqlite next to the code, never in the code.
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL", "sqlite:///blog.sqlite")
    POSTS_PER_PAGE = 10


class TestConfig(Config):
    """Settings for the test suite: a private in-memory database, CSRF left on."""

    TESTING = True
    SECRET_KEY = "test-secret"
    SQLALCHEMY_DATABASE_URI = "sqlite://"
    POSTS_PER_PAGE = 3
