"""The same app a year later: deleting a tag deletes its notes."""

import os
from pathlib import Path

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import Flask
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy

# No naming convention: the database gives the foreign key no name.
db = SQLAlchemy()


class Tag(db.Model):
    """A word that notes can be filed under."""

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(50))


class Note(db.Model):
    """A line of text filed under one tag."""

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    body: so.Mapped[str] = so.mapped_column(sa.String(140))
    tag_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey(Tag.id, ondelete="CASCADE"))


# The project's instance/ folder, so that the project's `flask rows` finds the same database.
app = Flask(__name__, instance_path=str(Path(__file__).resolve().parents[2] / "instance"))
app.config["SQLALCHEMY_DATABASE_URI"] = os.environ["DATABASE_URL"]
db.init_app(app)
Migrate(app, db)
