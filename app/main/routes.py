"""Views for the timeline, profiles and writing posts."""

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from app.extensions import db
from app.main.forms import PostForm
from app.models import USERNAME, Post, User

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
    """Return a page's template values: its posts (newest first, with authors), its number, and whether older exist."""
    page, per_page = requested_page(), current_app.config["POSTS_PER_PAGE"]
    query = query.options(so.joinedload(Post.author)).order_by(Post.timestamp.desc(), Post.id.desc())
    # Asking for one post more than the page shows tells whether an older page exists, in the
    # same query. Counting every post would make each page slower as the table grows.
    posts = db.session.scalars(query.offset((page - 1) * per_page).limit(per_page + 1)).all()
    if page > 1 and not posts:
        abort(404)
    return {"posts": posts[:per_page], "page": page, "older": len(posts) > per_page}


@bp.route("/")
def index():
    """Show everyone's posts, with a form to write one when logged in."""
    form = PostForm() if current_user.is_authenticated else None
    page = paginate_posts(sa.select(Post))
    return render_template("main/index.html", title="Home", form=form, **page)


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
    # A name no user can have finds no one, the same on every engine: MariaDB, asked, would match
    # "ALICE" or "alice " to alice, and PostgreSQL cannot even be asked about a NUL.
    if not USERNAME.match(username):
        abort(404)
    author = db.first_or_404(sa.select(User).where(User.username == username))
    return render_template(
        "main/user.html", title=author.username, user=author, **paginate_posts(author.posts.select())
    )
