"""Forms of the login and account pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import EqualTo, InputRequired, Length

from wananchi.core.forms import Form


class LoginForm(Form):
    """E-mail and password."""

    email = EmailField(
        _l("E-mail address"), validators=[InputRequired(message=_l("Write your e-mail address.")), Length(max=254)]
    )
    password = PasswordField(
        _l("Password"), validators=[InputRequired(message=_l("Write your password.")), Length(max=200)]
    )


class TotpForm(Form):
    """A six-digit code from an authenticator app."""

    code = StringField(
        _l("Six-digit code"),
        validators=[InputRequired(message=_l("Write the six-digit code from your authenticator app.")), Length(max=12)],
    )


class PasswordChangeForm(Form):
    """A new password, with the current one as proof."""

    current_password = PasswordField(
        _l("Current password"), validators=[InputRequired(message=_l("Write your current password.")), Length(max=200)]
    )
    password = PasswordField(
        _l("New password"), validators=[InputRequired(message=_l("Write a new password.")), Length(max=200)]
    )
    confirm = PasswordField(
        _l("New password again"),
        validators=[EqualTo("password", message=_l("The two new passwords are not the same."))],
    )


class PasswordForgotForm(Form):
    """The e-mail address to send a password-reset link to."""

    email = EmailField(
        _l("E-mail address"), validators=[InputRequired(message=_l("Write your e-mail address.")), Length(max=254)]
    )


class PasswordResetForm(Form):
    """A new password, typed twice; the e-mailed link is the proof."""

    password = PasswordField(
        _l("New password"), validators=[InputRequired(message=_l("Write a new password.")), Length(max=200)]
    )
    confirm = PasswordField(
        _l("New password again"),
        validators=[EqualTo("password", message=_l("The two new passwords are not the same."))],
    )
