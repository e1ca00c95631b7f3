"""Two registrations racing for the same name: one account, and a form error for the other."""

import threading

import pytest
import sqlalchemy as sa

from app.auth.forms import RegistrationForm
from app.extensions import db
from app.models import User
from tests.helpers import app_for, submit


@pytest.mark.parametrize("shared", ["username", "email"])
def test_racing_registrations_give_one_account_and_one_form_error(tmp_path, monkeypatch, shared):
    app = app_for(f"sqlite:///{tmp_path / 'race.sqlite'}")
    with app.app_context():
        db.create_all()

    # Both requests pass the "is it taken?" checks before either inserts: the window a real race hits.
    both_checked = threading.Barrier(2, timeout=10)
    real_check = RegistrationForm.validate_email

    def check_then_wait(form, field):
        real_check(form, field)
        both_checked.wait()

    monkeypatch.setattr(RegistrationForm, "validate_email", check_then_wait)
    responses = []

    def register(name):
        data = {"username": name, "email": f"{name}@example.com", "password": "pw", "password2": "pw"}
        data[shared] = {"username": "same", "email": "same@example.com"}[shared]
        responses.append(submit(app.test_client(), "/auth/register", data))

    threads = [threading.Thread(target=register, args=(name,)) for name in ("first", "second")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    statuses = sorted(response.status_code for response in responses)
    assert statuses == [200, 302]
    refused = next(response for response in responses if response.status_code == 200)
    assert "That username or email address was just taken." in refused.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(User.id))) == 1
        db.engine.dispose()
