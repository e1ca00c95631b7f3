"""The blog as many apps start out, before migrations: it makes its tables with db.create_all() when it starts."""

import sys
from pathlib import Path

# The project's folder, so that `blog` imports as it does when `flask` finds it through .flaskenv.
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from blog import app, db  # noqa: E402

with app.app_context():
    db.create_all()
