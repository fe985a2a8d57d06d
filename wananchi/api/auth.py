"""Bearer-token authentication of the API: never the session cookie.

A personal token acts as its user, with that user's permissions, limited to its scopes. An integration
key acts as its institution's system (Role.INTEGRATION): it reads the institution's queue, the tickets
routed to it and those about its own services, and submits tickets on citizens' behalf about those services
or to be routed to it; it never changes a ticket (staff actions need a person's token).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from flask import abort, current_app, g, request
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address

from wananchi.accounts.models import Role, User
from wananchi.api.models import SCOPE_READ, SCOPE_WRITE, ApiToken, IntegrationKey
from wananchi.api.tokens import find_api_token, find_integration_key, mark_used
from wananchi.institutions.models import Category, District
from wananchi.institutions.routing import route_ticket
from wananchi.tickets.permissions import Permission, can


@dataclass(frozen=True)
class Principal:
    """Who calls the API: a user (a person, or an institution's integration acting as its officer) and scopes."""

    user: User
    scopes: frozenset[str]
    credential: ApiToken | IntegrationKey

    @property
    def is_person(self) -> bool:
        """Whether a person's own token calls (only people change tickets)."""
        return isinstance(self.credential, ApiToken)


def bearer_token() -> str | None:
    """The raw token of the Authorization header, if it is a Bearer one."""
    header = request.headers.get("Authorization", "")
    scheme, _sep, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        return None
    return value.strip()


def integration_user(key: IntegrationKey) -> User:
    """The key's institution's system, as a transient user (never stored) for permission checks and reads."""
    return User(
        id=0,
        name=f"API: {key.name}",
        role=Role.INTEGRATION,
        institution_id=key.institution_id,
        active=True,
        email="",
        password_hash="",
        session_token="",
    )


def current_principal() -> Principal | None:
    """The caller identified by the Authorization header, or None (memoised per request)."""
    if "api_principal" in g:
        return g.api_principal  # type: ignore[no-any-return]
    principal = None
    raw = bearer_token()
    if raw is not None:
        token = find_api_token(raw)
        if token is not None:
            principal = Principal(user=token.user, scopes=token.scope_set, credential=token)
            mark_used(token)
        else:
            key = find_integration_key(raw)
            if key is not None:
                principal = Principal(user=integration_user(key), scopes=key.scope_set, credential=key)
                mark_used(key)
    g.api_principal = principal
    return principal


def integration_may_submit(user: User, category: Category | None, district: District | None) -> bool:
    """Whether an institution's system may submit a ticket about `category` in `district`: a service its
    institution owns, or a ticket that would be routed to its institution."""
    if category is not None and can(user, Permission.SUBMIT_FOR_INSTITUTION, category):
        return True
    try:
        routed = route_ticket(category, district)
    except LookupError:  # no triage desk is configured: nowhere to route a "sijui" ticket
        return False
    return can(user, Permission.SUBMIT_FOR_INSTITUTION, routed)


def integration_refusal() -> str:
    """Why an institution's system may not submit a ticket (in the current language)."""
    return _(
        "This integration key may submit tickets only about its institution's own services, or tickets that go "
        "to its institution."
    )


def require_token(scope: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Decorator: a valid token with `scope` is required (401 without one, 403 without the scope)."""

    def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            principal = current_principal()
            if principal is None:
                abort(401)
            if scope not in principal.scopes or (scope == SCOPE_WRITE and not principal.is_person):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def optional_token(view: Callable[..., Any]) -> Callable[..., Any]:
    """Decorator of a public operation: anyone may call it without credentials, but credentials that are sent
    must be valid (401 for a made-up, revoked or malformed one, whatever its scheme).

    Put it below the operation's rate limits, so that refused credentials count against the sender's address.
    """

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if request.headers.get("Authorization", "").strip() and current_principal() is None:
            abort(401)
        return view(*args, **kwargs)

    return wrapped


def read_scope(view: Callable[..., Any]) -> Callable[..., Any]:
    """Decorator: a token with the read scope is required."""
    return require_token(SCOPE_READ)(view)


def write_scope(view: Callable[..., Any]) -> Callable[..., Any]:
    """Decorator: a person's token with the write scope is required."""
    return require_token(SCOPE_WRITE)(view)


def rate_limit_key() -> str:
    """Rate limits count per valid token or integration key, and per address for everything else: a made-up
    token counts against the address it came from (and is refused), so new values do not open new counters."""
    principal = current_principal()
    if principal is not None:
        return f"api-{type(principal.credential).__name__}:{principal.credential.id}"
    return "api-address:" + get_remote_address()


def rate_limit() -> str:
    """The limit of the caller: higher for a valid token or key than for an address."""
    if current_principal() is not None:
        return str(current_app.config["API_TOKEN_RATE_LIMIT"])
    return str(current_app.config["API_RATE_LIMIT"])


def submit_rate_limit() -> str:
    """The limit on new tickets through the API (the web form's unless API_SUBMIT_RATE_LIMIT is set)."""
    return str(current_app.config["API_SUBMIT_RATE_LIMIT"])
