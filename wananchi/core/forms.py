"""The base of every web form: WTForms' own messages are shown in the page's language, like ours."""

from __future__ import annotations

from typing import Any

from flask_babel import get_translations
from flask_wtf import FlaskForm


def N_(message: str) -> str:  # noqa: N802 - Babel's extraction keyword for "translate later"
    """Mark `message` for extraction into the catalogues; it is translated where it is shown."""
    return message


# The messages WTForms itself gives for the fields we use (a radio or select value that is not one of
# its choices: a tampered or stale form). WTForms has no Swahili catalogue, so they are marked here to
# be extracted into ours, and `Form` looks them up there.
WTFORMS_MESSAGES = (
    N_("Not a valid choice."),
    N_("Invalid Choice: could not coerce."),
)


class Form(FlaskForm):
    """A Flask-WTF form whose built-in messages come from Wananchi's catalogues, in the current language."""

    class Meta:
        def get_translations(self, form: Any) -> Any:
            """The current language's catalogue, loaded once per request by Flask-Babel."""
            return get_translations()
