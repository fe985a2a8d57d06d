"""The gateways' callbacks: who may call them (a shared secret, compared in constant time, and optionally a list of
networks), which phone a callback speaks for, and the limits per phone and per gateway."""

from __future__ import annotations

import hmac
import ipaddress
from collections.abc import Callable

from flask import current_app, request

from wananchi.core.contact import InvalidContact, normalise_phone

SECRET_HEADER = "X-Gateway-Secret"  # noqa: S105 - the name of a header, not a secret
SECRET_PARAMETER = "secret"  # noqa: S105 - the name of a URL parameter, not a secret


def _allowed_networks() -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    raw = current_app.config["GATEWAY_ALLOWED_NETWORKS"] or ""
    return [ipaddress.ip_network(part.strip(), strict=False) for part in raw.split(",") if part.strip()]


def from_allowed_network() -> bool:
    """Whether the callback comes from one of GATEWAY_ALLOWED_NETWORKS (any address when none is set)."""
    networks = _allowed_networks()
    if not networks:
        return True
    try:
        address = ipaddress.ip_address((request.remote_addr or "").split("%")[0])
    except ValueError:
        return False
    return any(address in network for network in networks)


def gateway_authenticated(secret_setting: str) -> bool:
    """Whether the callback carries the gateway's shared secret (in the X-Gateway-Secret header, or ?secret= in the
    URL for gateways that cannot send headers) and comes from an allowed network."""
    expected = current_app.config.get(secret_setting) or ""
    given = request.headers.get(SECRET_HEADER) or request.args.get(SECRET_PARAMETER) or ""
    if not expected or not given:
        return False
    matches = hmac.compare_digest(given.encode("utf-8", "replace"), expected.encode("utf-8", "replace"))
    return matches and from_allowed_network()


def calling_phone(field: str) -> str | None:
    """The E.164 number of the phone a callback speaks for (form field `field`), or None if it is not one."""
    raw = request.form.get(field, "")
    if not raw or len(raw) > 30 or "\x00" in raw:
        return None
    try:
        return normalise_phone(raw)
    except InvalidContact:
        return None


def per_phone(prefix: str, field: str) -> Callable[[], str]:
    """A rate-limit key for the phone a callback speaks for."""
    return lambda: prefix + (calling_phone(field) or "unknown")


def configured(name: str) -> Callable[[], str]:
    """A rate limit read from the configuration when a request is checked."""
    return lambda: current_app.config[name]
