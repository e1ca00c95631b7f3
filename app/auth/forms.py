"""Forms for registering and logging in."""

import sqlalchemy as sa
from wtforms import BooleanField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Regexp, ValidationError

from app.extensions import db
from app.forms import HTMLForm
from app.models import USERNAME, User
from app.validators import PlainText


class LoginForm(HTMLForm):
    """Username and password, with an option to stay logged in."""

    username = StringField("Username", validators=[DataRequired(), PlainText()])
    password = PasswordField("Password", validators=[DataRequired()])
    remember_me = BooleanField("Remember me")
    submit = SubmitField("Log in")


class RegistrationForm(HTMLForm):
    """A new account: the lengths match the columns in the user table."""

    # The same rule as the database's (migrations/versions/d4b7f1a9c2e5_enforce_username_rules.py).
    username = StringField(
        "Username",
        validators=[
            DataRequired(),
            Length(max=User.username.type.length),
            PlainText(),
            Regexp(USERNAME, message="Use only lowercase letters, digits, - and _ in a username."),
        ],
    )
    email = StringField("Email", validators=[DataRequired(), Length(max=User.email.type.length), PlainText(), Email()])
    password = PasswordField("Password", validators=[DataRequired()])
    password2 = PasswordField(
        "Repeat password",
        validators=[DataRequired(), EqualTo("password", message="The passwords do not match.")],
    )
    submit = SubmitField("Register")

    def validate_username(self, username):
        """Refuse a username that someone already has."""
        if db.session.scalar(sa.select(User.id).where(User.username == username.data)):
            raise ValidationError("That username is taken. Please choose another.")

    def validate_email(self, email):
        """Refuse an email address that is already registered."""
        if db.session.scalar(sa.select(User.id).where(User.email == email.data)):
            raise ValidationError("That email address is already registered.")
