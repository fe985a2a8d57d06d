"""The base web form: its CSRF token is signed only for a form that is shown, and WTForms' own messages speak
the page's language."""

from __future__ import annotations

from urllib.parse import urlencode

from flask import g, session
from flask_babel import force_locale
from flask_wtf.csrf import generate_csrf, validate_csrf

from tests.helpers import hidden_fields, valid_submission
from tests.world import build_world
from wananchi.tickets.forms import SubmitForm


def _posted(app, data):
    return app.test_request_context(
        "/wasilisha", method="POST", data=urlencode(data), content_type="application/x-www-form-urlencoded"
    )


def test_a_valid_post_signs_no_token_and_a_shown_form_carries_a_valid_one(app, db):
    build_world()
    with _posted(app, {**valid_submission(), "csrf_token": "checked-before-the-view", "submission_key": "k" * 40}):
        g.csrf_valid = True  # as CSRFProtect leaves it, before the view, for a post whose token it accepted
        form = SubmitForm()
        assert form.validate(), form.errors
        assert "csrf_token" not in g and "csrf_token" not in session  # nothing was signed for the redirect

        shown = hidden_fields(str(form.csrf_token))["csrf_token"]  # the page showing the form again
        assert shown == g.csrf_token == generate_csrf()
        validate_csrf(shown)  # raises if it would not be accepted back


def test_wtforms_messages_are_looked_up_in_the_page_language_when_needed(app, db):
    build_world()
    for language, message in (("sw", "Chaguo hili si sahihi"), ("en", "That is not one of the choices offered")):
        with _posted(app, {**valid_submission(), "type": "rushwa", "submission_key": "k" * 40}), force_locale(language):
            form = SubmitForm(meta={"csrf": False})
            assert not form.validate()
            assert form.type.errors and form.type.errors[0].startswith(message)
