"""The microblog application package."""

import sqlalchemy as sa
from flask import Flask

from app.extensions import csrf, db, login, migrate
from config import DEVELOPMENT_SECRET_KEY, Config


def create_app(config_class=Config, overrides=None):
    """Build an app from a settings class (or its import path), with any settings in `overrides` on top."""
    app = Flask(__name__)
    app.config.from_object(config_class)
    # Tests and scripts change a setting or two this way, as flaskr's create_app(test_config) does.
    app.config.from_mapping(overrides or {})
    # Secure cookies mean a public site (ProductionConfig), and a public site needs a real key.
    if app.config.get("SESSION_COOKIE_SECURE") and not is_real_secret(app.config["SECRET_KEY"]):
        raise RuntimeError(
            "SECRET_KEY must be set to a long random value in production. Make one with: "
            'python -c "import secrets; print(secrets.token_hex(32))"'
        )

    db.init_app(app)
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            sa.event.listen(db.engine, "connect", enforce_foreign_keys)
    migrate.init_app(app, db)
    login.init_app(app)
    csrf.init_app(app)

    from app.auth import bp as auth_bp
    from app.cli import seed
    from app.dbtools.rows import rows
    from app.dbtools.schema_diagram import schema_diagram
    from app.dbtools.sqlite_report import sqlite_report
    from app.errors import bp as errors_bp
    from app.main import bp as main_bp

    app.register_blueprint(errors_bp)
    app.register_blueprint(auth_bp, url_prefix="/auth")
    app.register_blueprint(main_bp)
    # `flask seed` fills the microblog; the others are the tutorial's instruments (app/dbtools/).
    for command in (seed, rows, sqlite_report, schema_diagram):
        app.cli.add_command(command)
    return app


def is_real_secret(key):
    """Tell whether a secret key could have come from a random generator, not from a README."""
    return bool(key) and key != DEVELOPMENT_SECRET_KEY and len(key) >= 32


def enforce_foreign_keys(dbapi_connection, connection_record):
    """Make SQLite check foreign keys, which it does not do unless asked, on every connection."""
    dbapi_connection.execute("PRAGMA foreign_keys = ON")
