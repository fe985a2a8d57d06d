"""Logging in (with an optional two-factor code), logging out, resetting a forgotten password, the account page."""

from __future__ import annotations

import unicodedata
from urllib.parse import urlsplit

import segno
from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from markupsafe import Markup

from wananchi.accounts.auth import start_staff_session
from wananchi.accounts.forms import LoginForm, PasswordChangeForm, PasswordForgotForm, PasswordResetForm, TotpForm
from wananchi.accounts.logins import (
    check_login_attempt,
    check_two_step_code,
    complete_login,
    count_login_attempt,
    count_two_step_attempt,
    end_sessions,
    new_totp_secret,
    totp_required,
    totp_uri,
)
from wananchi.accounts.models import Role, User
from wananchi.accounts.services import change_password, reset_password, user_for_reset_token
from wananchi.accounts.tasks import send_password_reset
from wananchi.core.audit import client_address, record_security_event
from wananchi.core.db import commit_now
from wananchi.core.errors import DomainError
from wananchi.core.forms import queue_from_form, refuse, show_refusal
from wananchi.extensions import db, limiter

bp = Blueprint("auth", __name__)
account_bp = Blueprint("account", __name__, url_prefix="/akaunti")

PENDING = "pending_login"
RESET_PER_ADDRESS_LIMIT = "5 per hour"  # reset e-mails to one address, whoever asks


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _reset_address_limit() -> str:
    return current_app.config.get("PASSWORD_RESET_RATE_LIMIT", RESET_PER_ADDRESS_LIMIT)


def _reset_address_key() -> str:
    return "password-reset:" + request.form.get("email", "").strip().lower()[:254]


def _landing(user: User) -> str:
    if user.role == Role.ADMIN:
        return url_for("admin.index")
    if user.role == Role.AUDITOR:
        return url_for("admin.audit")
    return url_for("staff.dashboard")


MAX_NEXT_LENGTH = 2000


def safe_next(target: str | None) -> str | None:
    """`target` if it is a path on this site to go to after logging in, else None (the landing page is used).

    Only a relative path: it starts with one slash, holds no backslash (which browsers read as a slash:
    "/\\evil.example") and no control or formatting character (a line break would split the Location
    header), and names no scheme or host.
    """
    if not target or len(target) > MAX_NEXT_LENGTH or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target or any(unicodedata.category(char).startswith("C") for char in target):
        return None
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc else None


def _finish_login(user: User, next_url: str | None, *, two_step: bool):
    session.clear()  # a new session for the logged-in user: no fixation
    login_user(user)  # no remember-me cookie: a staff session ends after 30 minutes idle or 12 hours at most
    start_staff_session()
    complete_login(user, two_step=two_step)
    return redirect(next_url or _landing(user), code=303)


@bp.route("/ingia", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def login():
    """E-mail and password; then the two-factor step when the user or their role needs it.

    Every refusal is the same page (422) after the same work; the attempt is counted and committed before the
    password is checked (wananchi/accounts/logins.py), and the refusal's audit entry is committed with the page.
    """
    next_url = safe_next(request.args.get("next"))  # before anything else: a bad one is dropped, never followed
    if current_user.is_authenticated:
        return redirect(next_url or _landing(current_user))
    form = LoginForm()
    if form.validate_on_submit():
        email, password = form.email.data or "", form.password.data or ""
        attempt = count_login_attempt(email, client_address())
        commit_now()  # before the check: an attempt made at the same moment sees this one's count
        try:
            user = check_login_attempt(attempt, email, password)
        except DomainError as error:  # what the refusal recorded (its count, its audit entry) stands
            form.form_errors.append(error.message)
            return render_template("accounts/login.html", form=form), 422
        if totp_required(user):
            session[PENDING] = {"user": user.id, "token": user.session_token, "next": next_url}
            return redirect(url_for("auth.totp"), code=303)
        return _finish_login(user, next_url, two_step=False)
    status = 422 if form.is_submitted() else 200
    return render_template("accounts/login.html", form=form), status


def _pending_user() -> User | None:
    pending = session.get(PENDING) or {}
    user = db.session.get(User, pending.get("user", 0))
    if user is None or user.session_token != pending.get("token") or not user.active:
        return None
    return user


@bp.route("/ingia/msimbo", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def totp():
    """The two-factor step: the code, or setting up an authenticator app when the role requires one.

    A code counts as a login attempt of the account (the same growing delay) and is accepted once.
    """
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
        attempt = count_two_step_attempt(user)
        commit_now()  # before the check, as for a password
        try:
            check_two_step_code(attempt, secret, form.code.data or "")
        except DomainError as error:
            show_refusal(form, error)  # the refusal's audit entry stands
        else:
            if setting_up:
                user.totp_secret = secret
                record_security_event("two_step_enabled", user, actor_id=user.id)
            return _finish_login(user, pending.get("next"), two_step=True)
    return render_template(
        "accounts/totp.html",
        form=form,
        setting_up=setting_up,
        qr=Markup(segno.make(totp_uri(user, secret)).svg_inline(scale=4)) if setting_up else None,  # noqa: S704
        secret=secret if setting_up else None,
    ), (422 if form.is_submitted() else 200)


@bp.post("/toka")
def logout():
    """End this session, and every copy of its cookie: the user's session token changes."""
    if current_user.is_authenticated:
        end_sessions(current_user)
    session.clear()
    logout_user()  # after the clearing, so that Flask-Login also deletes a remember-me cookie from before
    flash(_("You have logged out."), "success")
    return redirect(url_for("auth.login"), code=303)


@bp.route("/nenosiri/sahau", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
@limiter.limit(_reset_address_limit, methods=["POST"], key_func=_reset_address_key)
def forgot_password() -> ResponseReturnValue:
    """Ask for a password-reset link; the answer is the same whether or not the address has an account.

    So is the work: the request only queues the address, and a worker decides whether an active account has
    it (wananchi.accounts.tasks.send_password_reset), so neither the answer nor its timing reveals who has an account.
    """
    form = PasswordForgotForm()
    if form.validate_on_submit():
        if not queue_from_form(form, send_password_reset, form.email.data or "", request_name="a password reset"):
            return render_template("accounts/password_forgot.html", form=form, sent=False), 503
        return render_template("accounts/password_forgot.html", form=form, sent=True)
    status = 422 if form.is_submitted() else 200
    return render_template("accounts/password_forgot.html", form=form, sent=False), status


@bp.route("/nenosiri/weka/<token>", methods=["GET", "POST"], endpoint="reset_password")
@limiter.limit(_login_limit, methods=["POST"])
def new_password(token: str) -> ResponseReturnValue:
    """Choose a new password through an e-mailed link; every session ends and the user logs in with it."""
    try:
        user_for_reset_token(token)
    except DomainError as error:
        return render_template("accounts/password_reset_invalid.html", message=error.message), 400
    form = PasswordResetForm()
    if form.validate_on_submit():
        try:
            reset_password(token, form.password.data or "")
        except DomainError as error:
            refuse(form, error)
        else:
            session.clear()
            logout_user()
            flash(
                _(
                    "Your new password has been set: all your sessions have ended and your API tokens have been "
                    "revoked. Log in with it."
                ),
                "success",
            )
            return redirect(url_for("auth.login"), code=303)
    return render_template("accounts/password_reset.html", form=form), (422 if form.is_submitted() else 200)


@account_bp.route("", methods=["GET", "POST"])
@login_required
@limiter.limit(_login_limit, methods=["POST"])  # the current password is checked here too
def profile():
    """The user's own account: who they are, and changing the password (which ends other sessions)."""
    form = PasswordChangeForm()
    if form.validate_on_submit():
        try:
            change_password(current_user, form.current_password.data or "", form.password.data or "")
        except DomainError as error:
            show_refusal(form, error)  # a wrong current password stays in the audit log
        else:
            login_user(current_user)  # this session carries the new token; others end
            flash(
                _(
                    "Your password has been changed. Your other sessions have ended and your API tokens have been "
                    "revoked."
                ),
                "success",
            )
            return redirect(url_for("account.profile"), code=303)
    return render_template("accounts/profile.html", form=form), (422 if form.is_submitted() else 200)
