"""The microblog with one more model: readers react to a post with a mood."""

import click
import sqlalchemy as sa
import sqlalchemy.orm as so

from app import create_app
from app.extensions import db
from app.models import Post, User

MOODS = ("like", "laugh", "sad")


class Reaction(db.Model):
    """One reader's reaction to one post."""

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    post_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey(Post.id))
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey(User.id))
    mood: so.Mapped[str] = so.mapped_column(sa.Enum(*MOODS, name="mood"))


app = create_app()


@app.cli.command("react")
@click.argument("post_id", type=int)
@click.argument("user_id", type=int)
@click.argument("mood")
def react(post_id, user_id, mood):
    """Store one reader's reaction to a post, as the app does when a reader clicks a mood."""
    db.session.add(Reaction(post_id=post_id, user_id=user_id, mood=mood))
    db.session.commit()
    click.echo(f"Stored: user {user_id} reacts to post {post_id} with {mood!r}.")
