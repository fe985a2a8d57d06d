"""Token pages: personal API tokens in the user's account, integration keys in the administration area, and the
keys of their institution for its supervisors."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from wtforms import SelectField, SelectMultipleField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length
from wtforms.widgets import CheckboxInput, ListWidget

from wananchi.accounts.views import account_bp
from wananchi.admin.common import bp as admin_bp
from wananchi.api.models import SCOPE_READ, SCOPE_WRITE, ApiToken, IntegrationKey
from wananchi.api.tokens import create_api_token, create_integration_key, revoke_api_token, revoke_integration_key
from wananchi.core.forms import Form
from wananchi.core.i18n import by_name, localized_name
from wananchi.extensions import db
from wananchi.institutions.models import Institution
from wananchi.tickets.permissions import Permission, can
from wananchi.tickets.staff import bp as staff_bp

SCOPE_CHOICES = [SelectChoice(SCOPE_READ, _l("Read")), SelectChoice(SCOPE_WRITE, _l("Write (act on tickets)"))]
# An integration key never changes a ticket: its write scope submits tickets (Open311, the API).
KEY_SCOPE_CHOICES = [SelectChoice(SCOPE_READ, _l("Read")), SelectChoice(SCOPE_WRITE, _l("Write (submit tickets)"))]
# A new token or key, kept in the session from its creation to the page the browser is sent to, which shows it once:
# reloading that page cannot create a second one (the form is not sent again).
SHOWN_ONCE = "secret_shown_once"


def scope_text(scopes: str, choices: list[SelectChoice] = SCOPE_CHOICES) -> str:
    """A token's (or with KEY_SCOPE_CHOICES a key's) permissions ("read write") as the page's language names them."""
    labels = {choice.value: str(choice.label) for choice in choices}
    return ", ".join(labels.get(scope, scope) for scope in scopes.split())


def key_scope_text(scopes: str) -> str:
    """An integration key's permissions as the page's language names them."""
    return scope_text(scopes, KEY_SCOPE_CHOICES)


def _shown_once() -> str | None:
    """The secret just created, on the page that shows it; None elsewhere and on a second look."""
    return session.pop(SHOWN_ONCE, None) if request.method == "GET" else None


class ScopesField(SelectMultipleField):
    """Scope check boxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class TokenForm(Form):
    """A new personal token."""

    name = StringField(
        _l("Name"),
        validators=[
            InputRequired(message=_l("Give the token a name.")),
            Length(max=80, message=_l("At most 80 characters.")),
        ],
    )
    scopes = ScopesField(
        _l("Permissions"),
        choices=SCOPE_CHOICES,
        validators=[InputRequired(message=_l("Choose at least one permission."))],
    )


class KeyForm(TokenForm):
    """A new integration key for an institution."""

    institution = SelectField(_l("Institution"), validators=[InputRequired(message=_l("Choose an institution."))])
    scopes = ScopesField(
        _l("Permissions"),
        choices=KEY_SCOPE_CHOICES,
        validators=[InputRequired(message=_l("Choose at least one permission."))],
    )


class RevokeForm(Form):
    """A button that revokes (CSRF only)."""


@account_bp.route("/tokeni", methods=["GET", "POST"])
def tokens() -> ResponseReturnValue:
    """The user's API tokens: create one (shown once), list them, revoke them."""
    form = TokenForm()
    if form.validate_on_submit():
        _token, session[SHOWN_ONCE] = create_api_token(current_user, form.name.data or "", form.scopes.data or [])  # type: ignore[arg-type]
        return redirect(url_for("account.tokens"), code=303)
    rows = db.session.scalars(select(ApiToken).where(ApiToken.user_id == current_user.id).order_by(ApiToken.id.desc()))
    page = render_template(
        "api/tokens.html",
        form=form,
        created=_shown_once(),
        tokens=list(rows),
        revoke=RevokeForm(),
        scope_text=scope_text,
    )
    return page, (422 if form.is_submitted() else 200)


@account_bp.post("/tokeni/<int:token_id>/futa")
def token_revoke(token_id: int) -> ResponseReturnValue:
    """Revoke one of the user's own tokens."""
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != current_user.id or not RevokeForm().validate_on_submit():
        abort(404)
    revoke_api_token(token, actor=current_user)
    flash(_("The token has been revoked."), "success")
    return redirect(url_for("account.tokens"), code=303)


@admin_bp.route("/funguo", methods=["GET", "POST"])
def integration_keys() -> ResponseReturnValue:
    """Integration keys per institution: issue one (shown once), list them, revoke them."""
    institutions = list(db.session.scalars(select(Institution).where(Institution.is_active.is_(True))))
    form = KeyForm()
    form.institution.choices = [SelectChoice(str(i.id), localized_name(i)) for i in by_name(institutions)]
    if form.validate_on_submit():
        institution = db.session.get(Institution, int(form.institution.data or 0))
        if institution is None:
            abort(404)
        _key, session[SHOWN_ONCE] = create_integration_key(
            institution, form.name.data or "", form.scopes.data or [], actor=current_user
        )  # type: ignore[arg-type]
        return redirect(url_for("admin.integration_keys"), code=303)
    rows = db.session.scalars(select(IntegrationKey).order_by(IntegrationKey.id.desc()))
    page = render_template(
        "api/keys.html",
        form=form,
        created=_shown_once(),
        keys=list(rows),
        revoke=RevokeForm(),
        scope_text=key_scope_text,
    )
    return page, (422 if form.is_submitted() else 200)


@admin_bp.post("/funguo/<int:key_id>/futa")
def integration_key_revoke(key_id: int) -> ResponseReturnValue:
    """Revoke an integration key."""
    key = db.session.get(IntegrationKey, key_id)
    if key is None or not RevokeForm().validate_on_submit():
        abort(404)
    revoke_integration_key(key, actor=current_user)
    flash(_("The key has been revoked."), "success")
    return redirect(url_for("admin.integration_keys"), code=303)


@staff_bp.get("/funguo")
def institution_keys() -> ResponseReturnValue:
    """Supervisors: the integration keys issued to their institution, when and by whom, last used, revoked."""
    institution = db.session.get(Institution, current_user.institution_id) if current_user.institution_id else None
    if institution is None or not can(current_user, Permission.VIEW_INTEGRATION_KEYS, institution):
        abort(404)
    keys = db.session.scalars(
        select(IntegrationKey)
        .where(IntegrationKey.institution_id == institution.id)
        .options(selectinload(IntegrationKey.created_by))
        .order_by(IntegrationKey.id.desc())
    )
    return render_template(
        "api/institution_keys.html", institution=institution, keys=list(keys), scope_text=key_scope_text
    )
