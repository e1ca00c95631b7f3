"""Form validators the app's forms share."""

import re

from wtforms.validators import StopValidation

# C0 control characters (tab, LF and CR among them) and DEL.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")
# The same, but for tab, LF and CR, which a post may hold.
CONTROL_CHARACTERS_EXCEPT_TAB_LF_CR = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class PlainText:
    """Refuse control characters, which no one types and PostgreSQL cannot store (NUL)."""

    def __init__(self, allow_tab_and_line_breaks=False):
        self.pattern = CONTROL_CHARACTERS_EXCEPT_TAB_LF_CR if allow_tab_and_line_breaks else CONTROL_CHARACTERS

    def __call__(self, form, field):
        # StopValidation ends the field's checks, validate_<field> included: a value with a NUL must
        # not reach a query, since PostgreSQL cannot even be asked about one.
        if field.data and self.pattern.search(field.data):
            raise StopValidation("Please use only ordinary characters here.")
