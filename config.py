"""Settings for the microblog, read from the environment where a deployment needs to change them."""

import os

# Hosting services hand out URLs in these older forms; SQLAlchemy needs the driver named.
DRIVER_PREFIXES = {
    "postgres://": "postgresql+psycopg://",
    "postgresql://": "postgresql+psycopg://",
    "mysql://": "mysql+pymysql://",
    "mariadb://": "mysql+pymysql://",
}


def database_url_from(url):
    """Turn a database URL as hosts write it into one that names the driver this project installs."""
    for prefix, with_driver in DRIVER_PREFIXES.items():
        if url.startswith(prefix):
            return with_driver + url.removeprefix(prefix)
    return url


DEVELOPMENT_SECRET_KEY = "dev-only-secret-change-me"


class Config:
    """Settings for running the app on a developer's machine."""

    SECRET_KEY = os.environ.get("SECRET_KEY", DEVELOPMENT_SECRET_KEY)
    # A relative SQLite path lands in the instance folder (Flask-SQLAlchemy 3 does that), so
    # the default database is instance/blog.sqlite next to the code, never in the code.
    SQLALCHEMY_DATABASE_URI = database_url_from(os.environ.get("DATABASE_URL", "sqlite:///blog.sqlite"))
    POSTS_PER_PAGE = 10
    # Werkzeug's default, scrypt, writes 162 characters: SQLite stores them in the classic
    # VARCHAR(128) column anyway, but PostgreSQL and MariaDB refuse. PBKDF2-SHA256 writes about 100.
    PASSWORD_HASH_METHOD = "pbkdf2:sha256"
    # Cookies that scripts cannot read and that other sites' forms do not carry along.
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    # Sent with every response, error pages and redirects included (send_security_headers in app/__init__.py).
    # The app loads only its own stylesheet and has no inline script or style, so a strict policy fits;
    # frame-ancestors and X-Frame-Options (for older browsers) keep other sites from framing a form.
    SECURITY_HEADERS = {
        "Content-Security-Policy": (
            "default-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
        ),
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "DENY",
        # Over HTTPS, Flask-WTF refuses a form whose Referer is missing or from another site, so
        # "no-referrer" would break every form in production; "same-origin" tells only this site.
        "Referrer-Policy": "same-origin",
    }
    # Seconds an SQLite connection waits for another's lock before it answers "database is locked".
    # A migration that copies a big table holds the lock all along; keep this well above the longest
    # hold measured (TUTORIAL.md's appendix, benchmarks/load_during_migration.py), and serve with a
    # worker timeout above it (gunicorn --timeout 90), or the server, not SQLite, ends the wait.
    SQLITE_BUSY_TIMEOUT = 60


class ProductionConfig(Config):
    """Settings for serving the public: a real secret key, and cookies sent over HTTPS only."""

    SECRET_KEY = os.environ.get("SECRET_KEY")
    # create_app refuses to start with a missing, short or development SECRET_KEY (is_real_secret).
    REQUIRE_REAL_SECRET_KEY = True
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True


class TestConfig(Config):
    """Settings for the test suite: a private in-memory database, CSRF left on."""

    TESTING = True
    SECRET_KEY = "test-secret"
    SQLALCHEMY_DATABASE_URI = "sqlite://"
    POSTS_PER_PAGE = 3
    # A million rounds make a password slow to guess, and a test suite slow to run.
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"
