"""Logging in (with an optional two-factor code), logging out, and a user's own account page."""

from __future__ import annotations

from urllib.parse import urlsplit

import segno
from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from markupsafe import Markup

from wananchi.accounts.forms import LoginForm, PasswordChangeForm, TotpForm
from wananchi.accounts.models import Role, User
from wananchi.accounts.services import (
    authenticate,
    change_password,
    new_totp_secret,
    record_login,
    totp_required,
    totp_uri,
    verify_totp,
)
from wananchi.core.errors import DomainError
from wananchi.extensions import db, limiter

bp = Blueprint("auth", __name__)
account_bp = Blueprint("account", __name__, url_prefix="/akaunti")

PENDING = "pending_login"


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _landing(user: User) -> str:
    if user.role == Role.ADMIN:
        return url_for("admin.index")
    return url_for("staff.dashboard")


def _safe_next(target: str | None, user: User) -> str:
    if target and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc:
        return target
    return _landing(user)


def _finish_login(user: User, remember: bool, next_url: str | None):
    session.clear()  # a new session for the logged-in user: no fixation
    login_user(user, remember=remember)
    record_login(user)
    return redirect(_safe_next(next_url, user), code=303)


@bp.route("/ingia", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def login():
    """E-mail and password; then the two-factor step when the user or their role needs it."""
    if current_user.is_authenticated:
        return redirect(_landing(current_user))
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = authenticate(form.email.data or "", form.password.data or "")
        except DomainError as error:
            form.form_errors.append(error.message)
            # Status 200 so the failed attempt (which counts towards the lock) is committed.
            return render_template("accounts/login.html", form=form)
        next_url = request.args.get("next")
        if totp_required(user):
            session[PENDING] = {"user": user.id, "token": user.session_token,
                                "remember": bool(form.remember.data), "next": next_url}
            return redirect(url_for("auth.totp"), code=303)
        return _finish_login(user, bool(form.remember.data), next_url)
    status = 422 if form.is_submitted() else 200
    return render_template("accounts/login.html", form=form), status


def _pending_user() -> User | None:
    pending = session.get(PENDING) or {}
    user = db.session.get(User, pending.get("user", 0))
    if user is None or user.session_token != pending.get("token"):
        return None
    return user


@bp.route("/ingia/msimbo", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def totp():
    """The two-factor step: the code, or setting up an authenticator app when the role requires one."""
    user = _pending_user()
    if user is None:
        return redirect(url_for("auth.login"))
    pending = session[PENDING]
    setting_up = not user.totp_secret
    if setting_up:
        pending.setdefault("secret", new_totp_secret())
        session.modified = True
    secret = user.totp_secret or pending["secret"]
    form = TotpForm()
    if form.validate_on_submit():
        if verify_totp(secret, form.code.data or ""):
            if setting_up:
                user.totp_secret = secret
            return _finish_login(user, pending.get("remember", False), pending.get("next"))
        form.code.errors = [*form.code.errors, _("This code is wrong or has expired. Try the current one.")]
    return render_template(
        "accounts/totp.html", form=form, setting_up=setting_up,
        qr=Markup(segno.make(totp_uri(user, secret)).svg_inline(scale=4)) if setting_up else None,
        secret=secret if setting_up else None,
    ), (422 if form.is_submitted() else 200)


@bp.post("/toka")
def logout():
    """End this session."""
    logout_user()
    session.clear()
    flash(_("You have logged out."), "success")
    return redirect(url_for("auth.login"), code=303)


@account_bp.route("", methods=["GET", "POST"])
@login_required
def profile():
    """The user's own account: who they are, and changing the password (which ends other sessions)."""
    form = PasswordChangeForm()
    if form.validate_on_submit():
        try:
            change_password(current_user, form.current_password.data or "", form.password.data or "")
        except DomainError as error:
            target = getattr(form, error.field or "", None)
            if target is not None:
                target.errors = [*target.errors, error.message]
            else:
                form.form_errors.append(error.message)
        else:
            login_user(current_user, remember=False)  # this session carries the new token; others end
            flash(_("Your password has been changed. Your other sessions have ended."), "success")
            return redirect(url_for("account.profile"), code=303)
    return render_template("accounts/profile.html", form=form), (422 if form.is_submitted() else 200)
