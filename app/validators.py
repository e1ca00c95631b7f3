"""Form validators the app's forms share."""

import re

from wtforms.validators import ValidationError

# C0 control characters and DEL. Tab and newlines are ordinary text in a post, not in a name.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
CONTROL_OR_LINE_BREAKS = re.compile(r"[\x00-\x1f\x7f]")


class PlainText:
    """Refuse control characters, which no one types and PostgreSQL cannot store (NUL)."""

    def __init__(self, allow_line_breaks=False):
        self.pattern = CONTROL_CHARACTERS if allow_line_breaks else CONTROL_OR_LINE_BREAKS

    def __call__(self, form, field):
        if field.data and self.pattern.search(field.data):
            raise ValidationError("Please use only ordinary characters here.")
