"""The JSON API under /api/v1: public submission and tracking, and staff work with tokens."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """The API, and the pages where staff manage tokens and keys (added to the account and administration
    blueprints, so before those are registered); a password change revokes the user's tokens."""
    from wananchi.api import views_tokens  # noqa: F401  (its routes are added to the account and administration blueprints)
    from wananchi.api.setup import init_api
    from wananchi.api.tokens import connect_handlers

    connect_handlers()
    init_api(app)
