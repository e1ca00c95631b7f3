"""Views for registering, logging in and logging out."""

from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user

from app.auth.forms import LoginForm, RegistrationForm
from app.extensions import db
from app.models import User
from app.validators import CONTROL_CHARACTERS

bp = Blueprint("auth", __name__)


def is_local_path(target):
    """Tell whether a whole `next` value is a path on this site, so a login cannot redirect elsewhere."""
    # A CR or LF cannot go into the Location header at all, and browsers drop tabs and line breaks
    # from a URL, which makes "/\t/evil.example" another site; no path of ours holds a control character.
    # Browsers also read a backslash as a slash, so "/\\evil.example" would leave the site too.
    if CONTROL_CHARACTERS.search(target) or "\\" in target:
        return False
    parts = urlsplit(target)
    return target.startswith("/") and not target.startswith("//") and not parts.scheme and not parts.netloc


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Log a user in, then send them where they were going."""
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = LoginForm()
    if form.validate_on_submit():
        user = db.session.scalar(sa.select(User).where(User.username == form.username.data))
        if user is None or not user.check_password(form.password.data):
            flash("Invalid username or password.")
            return redirect(url_for("auth.login"))
        if user.session_token is None:  # Registered before session tokens, or never logged in.
            user.new_session_token()
            db.session.commit()
        login_user(user, remember=form.remember_me.data)
        flash(f"Welcome back, {user.username}.")
        next_page = request.args.get("next", "")
        if not is_local_path(next_page):
            next_page = url_for("main.index")
        return redirect(next_page)
    return render_template("auth/login.html", title="Log in", form=form)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    """Log the user out everywhere; a POST, so another site cannot log you out with a link."""
    # A new token ends this session and every other one of the user's, remember-me cookies included.
    current_user.new_session_token()
    db.session.commit()
    logout_user()
    flash("You have been logged out.")
    return redirect(url_for("main.index"))


@bp.route("/register", methods=["GET", "POST"])
def register():
    """Create an account."""
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = RegistrationForm()
    if form.validate_on_submit():
        user = User(username=form.username.data, email=form.email.data)
        user.set_password(form.password.data)
        db.session.add(user)
        try:
            db.session.commit()
        except sa.exc.IntegrityError:
            # Another request registered the same username or email address between our checks and our insert.
            db.session.rollback()
            form.username.errors.append("That username or email address was just taken.")
        else:
            flash("Welcome! You can log in now.")
            return redirect(url_for("auth.login"))
    return render_template("auth/register.html", title="Register", form=form)
