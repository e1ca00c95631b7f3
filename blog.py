"""The entry point that `flask` finds through .flaskenv."""

import sqlalchemy as sa
import sqlalchemy.orm as so

from app import create_app
from app.extensions import db
from app.models import Post, User

app = create_app()


@app.shell_context_processor
def make_shell_context():
    """Give `flask shell` the names a learner reaches for first."""
    return {"sa": sa, "so": so, "db": db, "User": User, "Post": Post}
