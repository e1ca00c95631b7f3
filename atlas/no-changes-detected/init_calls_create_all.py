"""The page's app as many tutorials write it: create_app() makes every table with db.create_all()."""

import os

from flask import Flask
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()
# The page's scratch folder; in your own project, leave out directory= and get migrations/.
migrate = Migrate(directory="scratch_migrations")


def create_app():
    """Build the app on the database that DATABASE_URL names, or on instance/notes.sqlite without one."""
    app = Flask(__name__)
    # The page names its database with flask --env-file; a plain `python -c` that only reads
    # db.metadata needs no database, and gets one that it never opens.
    app.config["SQLALCHEMY_DATABASE_URI"] = os.environ.get("DATABASE_URL", "sqlite:///notes.sqlite")
    db.init_app(app)
    migrate.init_app(app, db)
    # Importing the models registers their tables in db.metadata, which flask db migrate compares.
    from . import models  # noqa: F401

    # What many tutorials do at startup: make every table the models describe.
    with app.app_context():
        db.create_all()
    return app
