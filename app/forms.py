"""The base of the app's forms: they read what a browser's HTML form sends, and nothing else."""

from flask import request
from flask_wtf import FlaskForm


class HTMLForm(FlaskForm):
    """A FlaskForm that takes its fields from request.form only, where a browser puts them."""

    def __init__(self, **kwargs):
        # Flask-WTF would also take fields from file uploads and JSON bodies, as values of any type
        # that validators written for text would then have to refuse. A JSON body or an upload sent
        # here is a form with fields missing: "This field is required."
        super().__init__(formdata=request.form if self.is_submitted() else None, **kwargs)
