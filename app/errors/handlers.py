"""Error handlers that show a page in the site's own look instead of a bare error."""

from flask import Blueprint, render_template
from flask_wtf.csrf import CSRFError

from app.extensions import db

bp = Blueprint("errors", __name__)


@bp.app_errorhandler(404)
def not_found(error):
    """Say that the page does not exist."""
    return render_template("errors/404.html"), 404


@bp.app_errorhandler(405)
def wrong_method(error):
    """Say that the page cannot be opened this way, such as logging out by following a link."""
    return render_template("errors/405.html"), 405


@bp.app_errorhandler(500)
def internal_error(error):
    """Apologise, after undoing whatever the failed request left in the session."""
    db.session.rollback()
    return render_template("errors/500.html"), 500


@bp.app_errorhandler(CSRFError)
def csrf_failed(error):
    """Explain a missing or stale form token instead of showing a bare 400."""
    return render_template("errors/csrf.html", reason=error.description), 400
