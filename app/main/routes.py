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
    """Return one page of posts, newest first with their authors, and whether an older page exists."""
    query = query.options(so.joinedload(Post.author)).order_by(Post.timestamp.desc(), Post.id.desc())
    page, per_page = requested_page(), current_app.config["POSTS_PER_PAGE"]
    # Counting every post would make each page slower as the table grows, and the page shows no
    # total: it only needs to know whether one more post lies beyond it. db.paginate still
    # answers 404 for a page past the last one.
    posts = db.paginate(query, page=page, per_page=per_page, count=False)
    older = db.session.scalars(query.offset(page * per_page).limit(1)).first() is not None
    return posts, older


@bp.route("/")
def index():
    """Show everyone's posts, with a form to write one when logged in."""
    posts, older = paginate_posts(sa.select(Post))
    form = PostForm() if current_user.is_authenticated else None
    return render_template("main/index.html", title="Home", posts=posts, older=older, form=form)


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
    posts, older = paginate_posts(author.posts.select())
    return render_template("main/user.html", title=author.username, user=author, posts=posts, older=older)
