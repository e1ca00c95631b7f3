"""Views for the timeline, profiles and writing posts."""

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from app.extensions import db
from app.main.forms import PostForm
from app.models import Post, User

bp = Blueprint("main", __name__)

# Far beyond any real timeline, and small enough that page * per_page fits every database's OFFSET.
MAX_PAGE = 1_000_000


def requested_page():
    """Read ?page= as a page number; anything else names a page that does not exist."""
    page = request.args.get("page", "1")
    if not page.isdecimal() or not 1 <= int(page) <= MAX_PAGE:
        abort(404)
    return int(page)


def paginate_posts(query):
    """Return one page of posts, newest first, with their authors loaded in the same query."""
    query = query.options(so.joinedload(Post.author)).order_by(Post.timestamp.desc(), Post.id.desc())
    # db.paginate answers 404 for a page past the last one.
    return db.paginate(query, page=requested_page(), per_page=current_app.config["POSTS_PER_PAGE"])


@bp.route("/")
def index():
    """Show everyone's posts, with a form to write one when logged in."""
    posts = paginate_posts(sa.select(Post))
    form = PostForm() if current_user.is_authenticated else None
    return render_template("main/index.html", title="Home", posts=posts, form=form)


@bp.route("/post", methods=["GET", "POST"])
@login_required
def new_post():
    """Write a post as the logged-in user."""
    form = PostForm()
    if form.validate_on_submit():
        db.session.add(Post(body=form.post.data, author=current_user))
        db.session.commit()
        flash("Your post is live.")
        return redirect(url_for("main.index"))
    return render_template("main/new_post.html", title="New post", form=form)


@bp.route("/user/<username>")
def user(username):
    """Show one user's posts."""
    if "\x00" in username:
        abort(404)  # No username holds a NUL, and PostgreSQL cannot even be asked about one.
    author = db.first_or_404(sa.select(User).where(User.username == username))
    posts = paginate_posts(author.posts.select())
    return render_template("main/user.html", title=author.username, user=author, posts=posts)
