"""The microblog application package."""

from functools import partial

import sqlalchemy as sa
from flask import Flask, current_app
from flask_migrate.cli import db as db_commands

from app.extensions import csrf, db, login, migrate
from config import DEVELOPMENT_SECRET_KEY, Config


def create_app(config_class=Config, overrides=None):
    """Build an app from a settings class (or its import path), with any settings in `overrides` on top."""
    app = Flask(__name__)
    app.config.from_object(config_class)
    # Tests and scripts change a setting or two this way, as flaskr's create_app(test_config) does.
    app.config.from_mapping(overrides or {})
    # A public site (ProductionConfig) signs sessions with a key no one else can know.
    if app.config.get("REQUIRE_REAL_SECRET_KEY") and not is_real_secret(app.config["SECRET_KEY"]):
        raise RuntimeError(
            "SECRET_KEY must be set to a long random value in production. Make one with: "
            'python -c "import secrets; print(secrets.token_hex(32))"'
        )

    db.init_app(app)
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            milliseconds = int(app.config["SQLITE_BUSY_TIMEOUT"] * 1000)
            sa.event.listen(db.engine, "connect", partial(configure_sqlite, milliseconds))
    migrate.init_app(app, db)
    login.init_app(app)
    csrf.init_app(app)
    app.after_request(send_security_headers)

    from app.auth import bp as auth_bp
    from app.cli import seed
    from app.dbtools.files import files
    from app.dbtools.review import review
    from app.dbtools.rows import rows
    from app.dbtools.schema_diagram import schema_diagram
    from app.dbtools.sqlite_report import sqlite_report
    from app.errors import bp as errors_bp
    from app.main import bp as main_bp

    app.register_blueprint(errors_bp)
    app.register_blueprint(auth_bp, url_prefix="/auth")
    app.register_blueprint(main_bp)
    # `flask seed` fills the microblog; the others are the tutorial's instruments (app/dbtools/).
    for command in (seed, rows, sqlite_report, schema_diagram, files):
        app.cli.add_command(command)
    # `flask db review` sits with the commands it reviews, in Flask-Migrate's own `db` group.
    db_commands.add_command(review)
    return app


def is_real_secret(key):
    """Tell whether a secret key could have come from a random generator, not from a README."""
    return bool(key) and key != DEVELOPMENT_SECRET_KEY and len(key) >= 32


def send_security_headers(response):
    """Add the SECURITY_HEADERS from the settings to a response, keeping any a view set itself."""
    # Flask-Talisman would do this, but its last release is from 2023, and it rewrites the session
    # cookie settings (Secure, SameSite, HttpOnly) and redirects to HTTPS unless told not to, while
    # config.py sets the cookies and the proxy terminates TLS. Four fixed headers need no more than this.
    for name, value in current_app.config["SECURITY_HEADERS"].items():
        response.headers.setdefault(name, value)
    return response


def configure_sqlite(busy_timeout_ms, dbapi_connection, connection_record):
    """Make each SQLite connection check foreign keys, and wait for another's lock instead of failing."""
    # SQLite checks foreign keys only when asked, connection by connection.
    dbapi_connection.execute("PRAGMA foreign_keys = ON")
    # Python's sqlite3 gives up after 5 s with "database is locked", and a migration that copies
    # a big table holds the lock longer (SQLITE_BUSY_TIMEOUT in config.py).
    dbapi_connection.execute(f"PRAGMA busy_timeout = {busy_timeout_ms:d}")
