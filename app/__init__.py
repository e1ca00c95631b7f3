"""The microblog application package."""

from flask import Flask

from app.extensions import csrf, db, login, migrate
from config import Config


def create_app(config_class=Config):
    """Build an app with the given settings and everything bound to it."""
    app = Flask(__name__)
    app.config.from_object(config_class)

    db.init_app(app)
    migrate.init_app(app, db)
    login.init_app(app)
    csrf.init_app(app)

    from app import cli
    from app.auth import bp as auth_bp
    from app.errors import bp as errors_bp
    from app.main import bp as main_bp

    app.register_blueprint(errors_bp)
    app.register_blueprint(auth_bp, url_prefix="/auth")
    app.register_blueprint(main_bp)
    cli.register(app)
    return app
