"""The Flask extensions, created unbound so that every app from create_app() can share them."""

import sqlalchemy as sa
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect

# Every index and constraint gets a predictable name. Batch mode on SQLite can only drop
# what it can name, so this has to be in place before the first migration is written.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

db = SQLAlchemy(metadata=sa.MetaData(naming_convention=NAMING_CONVENTION))
# render_as_batch is Flask-Migrate 4's default; it is spelled out because the tutorial is about it.
migrate = Migrate(render_as_batch=True)
login = LoginManager()
login.login_view = "auth.login"
login.login_message = "Please log in to see this page."
csrf = CSRFProtect()
