"""The app's one table. Defining a model registers its table with db.metadata, once this module is imported."""

import sqlalchemy as sa
import sqlalchemy.orm as so

from . import db


class Note(db.Model):
    """A line of text to remember."""

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    body: so.Mapped[str] = so.mapped_column(sa.String(140))
