"""An app whose author created Migrate but never gave it the app: `flask db` does not exist here."""

from flask import Flask
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()
migrate = Migrate()


def create_app():
    """Build the app; the line that would add `flask db` is missing."""
    app = Flask(__name__)
    app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite://"
    db.init_app(app)
    # migrate.init_app(app, db) belongs here.
    return app
