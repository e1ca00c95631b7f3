"""Form validators the app's forms share."""

import functools
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


def asks_the_database(check):
    """Make an inline validate_<field> method that queries the database run only on a value the field accepted."""

    # WTForms runs a field's inline validator after the ones in its list, and runs it even when one
    # of those has refused the value. A refused value may be one the database cannot even be asked
    # about: PostgreSQL fails on a NUL. So only what every other check accepted reaches the database.
    @functools.wraps(check)
    def checked(form, field):
        if not field.errors:
            check(form, field)

    return checked
