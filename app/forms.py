"""The base of the app's forms: it takes text, and only text, from whatever body a request sends."""

import re

from flask import request
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict

NOT_TEXT = "Please type text here."
NOT_FIELDS = "This form was sent in a shape it cannot read. Please fill it in again."
# Half of a UTF-16 pair on its own: JSON can spell one ("\ud800"), no browser sends one, no database stores one.
LONE_SURROGATES = re.compile("[\ud800-\udfff]")


def submitted_text():
    """Split what a request sent into its text fields (or None), the names sent as anything else, and unreadability."""
    # A browser sends text in request.form. A client can also send a field as a file upload, or,
    # since Flask-WTF reads a JSON body as form data, as a number, a boolean, null, an object or a list.
    if request.files or request.form:
        return request.form, set(request.files), False
    if not request.is_json:
        return None, set(), False
    try:
        body = request.get_json(silent=True)
    except RecursionError:  # Arrays nested many thousand deep: not a form either.
        body = None
    if not isinstance(body, dict):
        return None, set(), True
    text, not_text = {}, set()
    for name, value in body.items():
        values = value if isinstance(value, list) else [value]
        if all(is_text(item) for item in values):
            text[name] = values
        else:
            not_text.add(name)
    return MultiDict(text), not_text, False


def is_text(value):
    """Tell whether a value is text that could be stored: a string, without the lone surrogates only JSON can spell."""
    return isinstance(value, str) and not LONE_SURROGATES.search(value)


class Form(FlaskForm):
    """A FlaskForm that refuses, with a message, any field a request sent as something other than text."""

    not_text = frozenset()
    unreadable = False

    def __init__(self, *args, **kwargs):
        # Only when the form reads the request itself; form data passed in is the caller's to check.
        if not args and "formdata" not in kwargs and self.is_submitted():
            kwargs["formdata"], self.not_text, self.unreadable = submitted_text()
        super().__init__(*args, **kwargs)

    def validate(self, extra_validators=None):
        """Refuse a body that is not all text before any validator, and so the database, sees it."""
        if self.unreadable:
            self.form_errors.append(NOT_FIELDS)
        for name in self.not_text:
            if name in self:
                self[name].errors = [NOT_TEXT]
        if self.unreadable or any(name in self for name in self.not_text):
            return False
        return super().validate(extra_validators)
