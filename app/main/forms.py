"""The form for writing a post."""

from wtforms import SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length

from app.forms import HTMLForm
from app.validators import PlainText


class PostForm(HTMLForm):
    """A post of 1 to 140 characters, the length of post.body."""

    post = TextAreaField(
        "Say something",
        validators=[
            DataRequired(message="A post cannot be empty."),
            Length(min=1, max=140, message="A post can be at most 140 characters long."),
            PlainText(allow_tab_and_line_breaks=True),
        ],
    )
    submit = SubmitField("Post")
