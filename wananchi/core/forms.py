"""The base of every web form: WTForms' own messages are shown in the page's language, like ours, and each
field is given only the kind of value it takes; how a form shows a service's refusal; and what a form does when it
only queues a request."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import current_app
from flask_babel import get_translations
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from werkzeug.datastructures import FileStorage, MultiDict
from wtforms.fields import FileField
from wtforms.validators import ValidationError

from wananchi.core.contact import InvalidContact, normalise_email, normalise_phone
from wananchi.core.db import roll_back_at_end
from wananchi.core.errors import DomainError
from wananchi.core.tasks import QUEUE_ERRORS, queue_backoff


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
        def wrap_formdata(self, form: Any, formdata: Any) -> Any:
            """The posted data, where each field gets only what it can take: a file field files, the others
            text. Anything else (a file under a text field's name, text or a JSON number under a file
            field's) is left out, so the field is empty and says so, instead of failing a validator."""
            wrapped = super().wrap_formdata(form, formdata)  # type: ignore[misc]
            if wrapped is None:
                return None
            takes_files = {field.name for field in form if isinstance(field, FileField)}
            return MultiDict(
                [
                    (name, value)
                    for name, value in wrapped.items(multi=True)
                    if isinstance(value, FileStorage if name in takes_files else str)
                ]
            )

        def get_translations(self, form: Any) -> Any:
            """The current language's catalogue (Flask-Babel's, loaded once per request), which holds WTForms'
            own messages too (WTFORMS_MESSAGES): Flask-WTF's default looks in WTForms' catalogues, which
            have no Swahili."""
            return get_translations()


def show_refusal(form: FlaskForm, error: DomainError, *, otherwise: str | None = None) -> None:
    """Put a service's refusal beside the field of `form` it names, or else beside the field `otherwise` names, or
    else above the form."""
    name = error.field if error.field in form else otherwise
    if name is not None:
        form[name].errors = [*form[name].errors, error.message]
    else:
        form.form_errors.append(error.message)


def refuse(form: FlaskForm, error: DomainError, *, otherwise: str | None = None) -> None:
    """Answer a service's refusal with its form: nothing the request wrote is kept (the service may have written
    part of the change before it refused), and the form says why (`show_refusal`)."""
    roll_back_at_end()
    show_refusal(form, error, otherwise=otherwise)


def queue_from_form(form: Any, task: Callable[..., Any], *args: Any, request_name: str) -> bool:
    """Queue `task(*args)` for what a form asked; when the queue cannot be reached, log it, tell the user on
    `form` to try again in a few minutes and return False (the page then answers 503)."""
    try:
        with queue_backoff():
            task(*args)
    except QUEUE_ERRORS:
        current_app.logger.warning("task queue unreachable: %s was refused", request_name, exc_info=True)
        form.form_errors.append(_("We could not take your request just now. Please try again in a few minutes."))
        return False
    return True


def checked_email(text: str) -> str:
    """An e-mail address a form was given, normalised; ValidationError, with an example, when it is not one."""
    try:
        return normalise_email(text)
    except InvalidContact:
        raise ValidationError(_l("Write a valid e-mail address, for example name@example.go.tz.")) from None


def checked_phone(text: str) -> str:
    """A phone number a form was given, normalised; ValidationError, with an example, when it is not one."""
    try:
        return normalise_phone(text)
    except InvalidContact:
        raise ValidationError(_l("Write a valid phone number, for example 0712 345 678.")) from None
