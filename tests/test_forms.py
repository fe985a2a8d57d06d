"""The base web form: WTForms' own messages speak the page's language."""

from __future__ import annotations

from urllib.parse import urlencode

from flask_babel import force_locale

from tests.helpers import valid_submission
from tests.world import build_world
from wananchi.tickets.forms import SubmitForm


def _posted(app, data):
    return app.test_request_context(
        "/wasilisha", method="POST", data=urlencode(data), content_type="application/x-www-form-urlencoded"
    )


def test_wtforms_messages_are_looked_up_in_the_page_language_when_needed(app, db):
    build_world()
    for language, message in (("sw", "Chaguo hili si sahihi"), ("en", "That is not one of the choices offered")):
        with _posted(app, {**valid_submission(), "type": "rushwa", "submission_key": "k" * 40}), force_locale(language):
            form = SubmitForm(meta={"csrf": False})
            assert not form.validate()
            assert form.type.errors and form.type.errors[0].startswith(message)
