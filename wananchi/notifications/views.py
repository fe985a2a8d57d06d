"""The user's notification settings: e-mail, SMS or both per kind of event, and the daily digest of warnings."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from wtforms import BooleanField, Field, StringField
from wtforms.validators import Length

from wananchi.accounts.models import User
from wananchi.accounts.views import account_bp
from wananchi.core.errors import DomainError
from wananchi.core.forms import Form, refuse
from wananchi.notifications.preferences import DIGEST_EVENTS, STAFF_EVENTS, Choice, preference, save_preferences

EVENT_LABELS = {
    "assignment": _l("A ticket is assigned to me"),
    "citizen_message": _l("The citizen adds information to a ticket"),
    "sla_warning": _l("A ticket is at risk of missing its target"),
    "sla_overdue": _l("A ticket of my institution is overdue (supervisors)"),
    "escalation": _l("A ticket is escalated to my node (oversight)"),
}


class PreferencesForm(Form):
    """A check box per event and channel, the digest of warnings, and the phone number for SMS."""

    phone = StringField(_l("Phone number"), validators=[Length(max=30)])

    def choice_fields(self, event: str) -> tuple[Field, Field, Field | None]:
        """The e-mail, SMS and (for warnings) digest check boxes of one event."""
        digest = self[f"{event}_digest"] if event in DIGEST_EVENTS else None
        return self[f"{event}_email"], self[f"{event}_sms"], digest


for _event in STAFF_EVENTS:
    setattr(PreferencesForm, f"{_event}_email", BooleanField(_l("E-mail")))
    setattr(PreferencesForm, f"{_event}_sms", BooleanField(_l("SMS")))
    if _event in DIGEST_EVENTS:
        setattr(PreferencesForm, f"{_event}_digest", BooleanField(_l("Daily digest")))


def _filled_form(user: User) -> PreferencesForm:
    form = PreferencesForm()
    if not form.is_submitted():
        form.phone.data = user.phone or ""
        for event in STAFF_EVENTS:
            choice = preference(user, event)
            email, sms, digest = form.choice_fields(event)
            email.data, sms.data = choice.email, choice.sms
            if digest is not None:
                digest.data = choice.digest
    return form


@account_bp.route("/arifa", methods=["GET", "POST"])
@login_required
def notifications() -> ResponseReturnValue:
    """Choose how each kind of event reaches the user."""
    user: User = current_user  # type: ignore[assignment]
    form = _filled_form(user)
    if form.validate_on_submit():
        choices: dict[str, Choice] = {}
        for event in STAFF_EVENTS:
            email, sms, digest = form.choice_fields(event)
            choices[event] = Choice(
                email=bool(email.data), sms=bool(sms.data), digest=bool(digest.data) if digest is not None else False
            )
        try:
            save_preferences(user, choices, form.phone.data or "")
        except DomainError as error:
            refuse(form, error)
        else:
            flash(_("Your notification settings have been saved."), "success")
            return redirect(url_for("account.notifications"), code=303)
    page = render_template("accounts/notifications.html", form=form, events=STAFF_EVENTS, event_labels=EVENT_LABELS)
    return page, (422 if form.is_submitted() else 200)
