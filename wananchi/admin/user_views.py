"""Administration of staff accounts and of the security policy of each role."""

from __future__ import annotations

from collections.abc import Callable

from flask import abort, flash, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from wananchi.accounts.models import ACCOUNT_ROLES, Role, User
from wananchi.accounts.services import (
    UserValues,
    create_user_account,
    reset_two_factor,
    set_role_policy,
    set_user_active,
    unlock_user,
    update_user,
)
from wananchi.admin import queries
from wananchi.admin.common import actor, bp, chosen, form_status, get_or_404, page_number
from wananchi.admin.forms import NOTHING, NewUserForm, PolicyForm, UserForm, institution_choices
from wananchi.admin.labels import LANGUAGE_LABELS
from wananchi.core.db import utcnow
from wananchi.core.errors import DomainError
from wananchi.core.forms import refuse
from wananchi.institutions.models import Institution

SHOW_ONCE = "admin_show_once"  # session key: a new temporary password, until its page is shown


# Users


@bp.get("/watumiaji")
def users() -> ResponseReturnValue:
    """The staff accounts with role, institution and state; searchable by name or e-mail."""
    search = request.args.get("q", "").replace("\x00", "").strip()[:100]
    return render_template(
        "admin/users.html", page=queries.users_page(search, page_number()), search=search, now=utcnow()
    )


def _user_form(user: User | None) -> UserForm:
    """The user form (with a password for a new user), filled from the user or the request."""
    form: UserForm
    if user is None:
        form = NewUserForm(data={"role": Role.OFFICER.value, "language": "sw"})
    else:
        form = UserForm(
            data={
                "name": user.name,
                "email": user.email,
                "role": user.role.value,
                "institution": user.institution_id,
                "is_admin": user.is_admin and user.role != Role.ADMIN,
                "language": user.language,
            }
        )
    form.institution.choices = [NOTHING, *institution_choices(queries.flatten(queries.institution_tree()))]
    return form


def _render_user(form: UserForm, user: User | None, status: int) -> ResponseReturnValue:
    """The user page: facts, the form, the account actions and (once) a new temporary password."""
    new_password = None
    stored = session.get(SHOW_ONCE)
    if user is not None and stored and stored.get("user") == user.id and request.method == "GET":
        new_password = session.pop(SHOW_ONCE)["password"]
    return render_template(
        "admin/user_edit.html",
        form=form,
        user=user,
        new_password=new_password,
        locked=user is not None and user.is_locked(utcnow()),
        language_labels=LANGUAGE_LABELS,
    ), status


def _user_values(form: UserForm) -> UserValues:
    """The user form's values, with the chosen institution loaded."""
    return UserValues(
        email=form.email.data or "",
        name=form.name.data or "",
        role=Role(form.role.data),
        institution=chosen(Institution, form.institution.data),
        is_admin=form.is_admin.data,
        language=form.language.data or "sw",
    )


@bp.route("/watumiaji/mpya", methods=["GET", "POST"], defaults={"user_id": None})
@bp.route("/watumiaji/<int:user_id>", methods=["GET", "POST"])
def user_edit(user_id: int | None) -> ResponseReturnValue:
    """Add a user (with a password set here or a temporary one shown once), or change one."""
    user = get_or_404(User, user_id) if user_id is not None else None
    form = _user_form(user)
    if form.validate_on_submit():
        try:
            if user is None:
                password = form.password.data if isinstance(form, NewUserForm) else None
                user, temporary = create_user_account(_user_values(form), password or None, actor=actor())
                if temporary:
                    session[SHOW_ONCE] = {"user": user.id, "password": temporary}
            else:
                update_user(user, _user_values(form), actor=actor())
        except DomainError as error:
            refuse(form, error)
        else:
            flash(_("The user has been saved."), "success")
            return redirect(url_for("admin.user_edit", user_id=user.id), code=303)
    return _render_user(form, user, form_status(form))


def _user_action(user_id: int, change: Callable[[User], object], message: str) -> ResponseReturnValue:
    """Run one account action from a button; on refusal show the user page with the reason."""
    user = get_or_404(User, user_id)
    try:
        change(user)
    except DomainError as error:
        form = _user_form(user)
        refuse(form, error)
        return _render_user(form, user, 422)
    flash(message, "success")
    return redirect(url_for("admin.user_edit", user_id=user.id), code=303)


@bp.post("/watumiaji/<int:user_id>/hali")
def user_set_active(user_id: int) -> ResponseReturnValue:
    """Deactivate a user (their sessions end at once) or let them log in again."""
    active = request.form.get("active") == "1"
    message = _("The user can log in again.") if active else _("The user has been deactivated and logged out.")
    return _user_action(user_id, lambda user: set_user_active(user, active, actor=actor()), message)


@bp.post("/watumiaji/<int:user_id>/fungua")
def user_unlock(user_id: int) -> ResponseReturnValue:
    """Lift the lock that failed logins put on an account."""
    return _user_action(user_id, lambda user: unlock_user(user, actor=actor()), _("The account has been unlocked."))


@bp.post("/watumiaji/<int:user_id>/msimbo")
def user_reset_totp(user_id: int) -> ResponseReturnValue:
    """Forget a user's authenticator app; they set up two-step login again at their next login."""
    return _user_action(
        user_id,
        lambda user: reset_two_factor(user, actor=actor()),
        _("Two-step login has been reset. The user sets it up again at the next login."),
    )


# Role policies


def _policy_forms() -> list[tuple[Role, PolicyForm]]:
    """One small form per role, filled from the stored policies."""
    stored = queries.role_policies()
    return [(role, PolicyForm(prefix=role.value, data={"require_totp": stored[role]})) for role in ACCOUNT_ROLES]


@bp.get("/usalama")
def policies() -> ResponseReturnValue:
    """The security policy of each role: whether two-step login is required."""
    return render_template("admin/policies.html", forms=_policy_forms())


@bp.post("/usalama/<role>")
def policy_edit(role: str) -> ResponseReturnValue:
    """Save one role's security policy."""
    chosen = next((candidate for candidate in ACCOUNT_ROLES if candidate.value == role), None)
    if chosen is None:
        abort(404)
    form = PolicyForm(prefix=chosen.value)
    set_role_policy(chosen, form.require_totp.data, actor=actor())
    flash(_("The security settings have been saved."), "success")
    return redirect(url_for("admin.policies"), code=303)
